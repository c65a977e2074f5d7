import type { Redis } from 'ioredis';
import type { AuditContext } from '@switchyard/audit';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError, markDisabled, notFound } from '@switchyard/service-kit';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { verifyPassword } from '../domain/passwords.js';
import { denySessions, endSessions, liveSessionIds } from '../sessions/sign-out-sessions.js';

/** The address a deleted account is left with: unique, and never deliverable (RFC 2606). */
export const deletedEmailOf = (userId: string) => `deleted-${userId}@deleted.invalid`;

/**
 * Delete the caller's account, knowing its password. In one transaction: the user row is
 * anonymised (name, address, billing address and password gone; disabled for ever, its id
 * kept so nothing can reuse it), its tokens and sessions' device data deleted, user.deleted
 * goes to the outbox for every other service to erase what it holds, and the deletion is
 * recorded in the audit trail. Then the account is on the denylist: its access tokens stop.
 */
export async function deleteAccount(
  db: Db,
  redis: Redis,
  options: { userId: string; password: string; accessTokenTtlSeconds: number; by: AuditContext },
): Promise<void> {
  const { userId } = options;
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user || user.deletedAt) throw notFound('user');
  if (!(await verifyPassword(user.passwordHash, options.password)))
    throw new AppError('UNAUTHENTICATED', 'The current password is wrong');
  const deletedAt = new Date();
  const sessions = await db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE id = ${userId}::uuid AND deleted_at IS NULL FOR UPDATE`;
    if (locked.length === 0) throw notFound('user');
    const sessions = await endSessions(tx, userId, await liveSessionIds(tx, userId));
    await tx.user.update({
      where: { id: userId },
      data: {
        email: deletedEmailOf(userId),
        name: '',
        // Not a hash of anything: no password can ever match it.
        passwordHash: '!deleted',
        billingAddress: Prisma.DbNull,
        roles: [],
        disabled: true,
        emailVerifiedAt: null,
        deletedAt,
      },
    });
    // The sessions' devices and IPs, and every pending link, are personal data with no use now.
    await tx.refreshToken.deleteMany({ where: { userId } });
    await tx.passwordResetToken.deleteMany({ where: { userId } });
    await tx.emailVerificationToken.deleteMany({ where: { userId } });
    await enqueueEvent(
      tx,
      createEvent('user.deleted', {
        source: 'auth',
        subject: userId,
        data: { userId, deletedAt: deletedAt.toISOString() },
      }),
    );
    await recordAuthEvent(tx, options.by, { action: 'user.deleted', target: userTarget(userId) });
    return sessions;
  });
  await markDisabled(redis, userId, options.accessTokenTtlSeconds);
  await denySessions(redis, sessions, options.accessTokenTtlSeconds);
}
