import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditContext, AuditOrigin } from '@switchyard/audit';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError, notFound, type SecretBox } from '@switchyard/service-kit';
import { asUser } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { verifyPassword } from '../domain/passwords.js';
import { hashToken } from '../tokens/refresh-tokens.js';

type Tx = Prisma.TransactionClient;
export type VerificationPurpose = 'verify' | 'change';

export interface VerificationSettings {
  ttlSeconds: number;
  /** Seals the token for the notification service (RESET_TOKEN_SEALING_KEY, as resets). */
  sealing: SecretBox;
}

export interface EmailStatus {
  email: string;
  verified: boolean;
  verifiedAt: string | null;
}

const statusOf = (user: { email: string; emailVerifiedAt: Date | null }): EmailStatus => ({
  email: user.email,
  verified: user.emailVerifiedAt !== null,
  verifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
});

/** The account's address and whether it is verified. */
export async function getEmailStatus(db: Db, userId: string): Promise<EmailStatus> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || user.deletedAt) throw notFound('user');
  return statusOf(user);
}

/**
 * A single-use token proving `email`, stored as its hash, and the event that has it emailed
 * there (sealed; it is never stored or published in plain text), in the caller's transaction.
 * The user's earlier unused tokens of the same purpose stop working: only the latest link does.
 */
async function issueVerificationToken(
  tx: Tx,
  user: { id: string; name: string },
  email: string,
  purpose: VerificationPurpose,
  settings: VerificationSettings,
): Promise<void> {
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + settings.ttlSeconds * 1000);
  await tx.emailVerificationToken.updateMany({
    where: { userId: user.id, purpose, usedAt: null },
    data: { usedAt: new Date() },
  });
  await tx.emailVerificationToken.create({
    data: {
      id: randomUUID(),
      userId: user.id,
      email,
      purpose,
      tokenHash: hashToken(token),
      expiresAt,
    },
  });
  await enqueueEvent(
    tx,
    createEvent('user.email_verification_requested', {
      source: 'auth',
      subject: user.id,
      data: {
        userId: user.id,
        email,
        name: user.name,
        purpose,
        sealedVerificationToken: settings.sealing.seal(token),
        expiresAt: expiresAt.toISOString(),
      },
    }),
  );
}

/** Email a link proving the account's current address. 409 when it is verified already. */
export async function requestEmailVerification(
  db: Db,
  userId: string,
  settings: VerificationSettings,
): Promise<void> {
  await db.$transaction(async (tx) => {
    const user = await tx.user.findUnique({ where: { id: userId } });
    if (!user || user.deletedAt) throw notFound('user');
    if (user.emailVerifiedAt) throw new AppError('CONFLICT', 'Your email address is verified');
    await issueVerificationToken(tx, user, user.email, 'verify', settings);
  });
}

/**
 * Start a change of address: the current password is required (a stolen access token alone
 * cannot move the account), the new address gets a link, and nothing changes until it is
 * used. Recorded in the audit trail with the address asked for.
 */
export async function requestEmailChange(
  db: Db,
  options: { userId: string; password: string; newEmail: string; by: AuditContext },
  settings: VerificationSettings,
): Promise<void> {
  const newEmail = options.newEmail.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { id: options.userId } });
  if (!user || user.deletedAt) throw notFound('user');
  if (!(await verifyPassword(user.passwordHash, options.password)))
    throw new AppError('UNAUTHENTICATED', 'The current password is wrong');
  if (newEmail === user.email)
    throw new AppError('UNPROCESSABLE', 'That is already your email address');
  if (await db.user.findUnique({ where: { email: newEmail } }))
    throw new AppError('CONFLICT', 'An account with this email already exists');
  await db.$transaction(async (tx) => {
    await issueVerificationToken(tx, user, newEmail, 'change', settings);
    await recordAuthEvent(tx, options.by, {
      action: 'user.email_change_requested',
      target: userTarget(user.id),
      details: { newEmail },
    });
  });
}

/**
 * Use a verification token, once, before it expires. `verify`: the account's address is now
 * verified (if it is still the address the token proves). `change`: the account moves to the
 * new address, verified, and user.email_changed tells the old one. Recorded in the audit trail
 * as the owner's act (the token came to their mailbox).
 */
export async function confirmEmailVerification(
  db: Db,
  token: string,
  origin: AuditOrigin,
): Promise<EmailStatus> {
  const invalid = () =>
    new AppError('UNPROCESSABLE', 'The verification token is invalid or expired');
  const row = await db.emailVerificationToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.usedAt || row.expiresAt <= new Date() || row.user.disabled) throw invalid();
  if (row.purpose === 'verify' && row.email !== row.user.email) throw invalid();
  try {
    return await db.$transaction(async (tx) => {
      const claimed = await tx.emailVerificationToken.updateMany({
        where: { id: row.id, usedAt: null },
        data: { usedAt: new Date() },
      });
      if (claimed.count === 0) throw invalid();
      const by = asUser(row.userId, origin);
      const now = new Date();
      if (row.purpose === 'verify') {
        const user = await tx.user.update({
          where: { id: row.userId },
          data: { emailVerifiedAt: now },
        });
        await recordAuthEvent(tx, by, {
          action: 'user.email_verified',
          target: userTarget(row.userId),
        });
        return statusOf(user);
      }
      const previousEmail = row.user.email;
      const user = await tx.user.update({
        where: { id: row.userId },
        data: { email: row.email, emailVerifiedAt: now },
      });
      // Any other link (to the old address, or an older change) is void now.
      await tx.emailVerificationToken.updateMany({
        where: { userId: row.userId, usedAt: null },
        data: { usedAt: now },
      });
      await enqueueEvent(
        tx,
        createEvent('user.email_changed', {
          source: 'auth',
          subject: row.userId,
          data: { userId: row.userId, previousEmail, email: user.email, name: user.name },
        }),
      );
      await recordAuthEvent(tx, by, {
        action: 'user.email_changed',
        target: userTarget(row.userId),
        changes: { email: { before: previousEmail, after: user.email } },
      });
      return statusOf(user);
    });
  } catch (error) {
    // Someone registered the address meanwhile.
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002')
      throw new AppError('CONFLICT', 'An account with this email already exists');
    throw error;
  }
}
