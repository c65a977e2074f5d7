import { randomBytes, randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@switchyard/audit';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError, type SecretBox } from '@switchyard/service-kit';
import { anonymous, asUser } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { assertAcceptablePassword } from '../domain/password-policy.js';
import { hashPassword } from '../domain/passwords.js';
import { hashToken, revokeAllForUser } from '../tokens/refresh-tokens.js';

/**
 * Start a reset: for a known, enabled account, store a single-use token's hash and send the
 * token, sealed for the notification service, through the outbox (it is never stored or
 * published in plain text), and record the request in the audit trail. The caller answers 202
 * whatever happens here, so the response never tells whether the email exists.
 */
export async function requestPasswordReset(
  db: Db,
  email: string,
  options: { ttlSeconds: number; sealing: SecretBox; origin: AuditOrigin },
): Promise<boolean> {
  const { ttlSeconds } = options;
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  if (!user || user.disabled) return false;
  const token = randomBytes(32).toString('base64url');
  const expiresAt = new Date(Date.now() + ttlSeconds * 1000);
  await db.$transaction(async (tx) => {
    await tx.passwordResetToken.create({
      data: { id: randomUUID(), userId: user.id, tokenHash: hashToken(token), expiresAt },
    });
    await enqueueEvent(
      tx,
      createEvent('user.password_reset_requested', {
        source: 'auth',
        subject: user.id,
        data: {
          userId: user.id,
          email: user.email,
          name: user.name,
          sealedResetToken: options.sealing.seal(token),
          expiresAt: expiresAt.toISOString(),
        },
      }),
    );
    await recordAuthEvent(tx, anonymous(options.origin), {
      action: 'user.password_reset_requested',
      target: userTarget(user.id),
    });
  });
  return true;
}

/**
 * Finish a reset: the token works once, before it expires; all sessions are revoked. Recorded
 * as the account's owner's act (the token came to their email).
 */
export async function confirmPasswordReset(
  db: Db,
  token: string,
  newPassword: string,
  origin: AuditOrigin,
): Promise<void> {
  const invalid = () => new AppError('UNPROCESSABLE', 'The reset token is invalid or expired');
  const row = await db.passwordResetToken.findUnique({
    where: { tokenHash: hashToken(token) },
    include: { user: true },
  });
  if (!row || row.usedAt || row.expiresAt <= new Date() || row.user.disabled) throw invalid();
  assertAcceptablePassword(newPassword, row.user.email);
  const passwordHash = await hashPassword(newPassword);
  await db.$transaction(async (tx) => {
    const claimed = await tx.passwordResetToken.updateMany({
      where: { id: row.id, usedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count === 0) throw invalid();
    await tx.user.update({ where: { id: row.userId }, data: { passwordHash } });
    await revokeAllForUser(tx, row.userId);
    await recordAuthEvent(tx, asUser(row.userId, origin), {
      action: 'user.password_reset',
      target: userTarget(row.userId),
    });
  });
}
