import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { assertAcceptablePassword } from '../domain/password-policy.js';
import { hashPassword, verifyPassword } from '../domain/passwords.js';
import { endSessions, liveSessionIds } from '../sessions/sign-out-sessions.js';
import { revokeAllForUser } from '../tokens/refresh-tokens.js';

/**
 * Change a password knowing the current one; every refresh token of the user is revoked, and
 * the change recorded in the audit trail (that it happened: nothing of either password). The
 * other sessions are signed out (their access tokens too: the caller denylists the returned
 * sessions after commit); the one asking keeps its access token until it expires.
 */
export async function changePassword(
  db: Db,
  options: {
    userId: string;
    currentPassword: string;
    newPassword: string;
    currentSessionId?: string;
  },
  by: AuditContext,
): Promise<string[]> {
  const user = await db.user.findUnique({ where: { id: options.userId } });
  if (!user || !(await verifyPassword(user.passwordHash, options.currentPassword))) {
    throw new AppError('UNAUTHENTICATED', 'The current password is wrong');
  }
  assertAcceptablePassword(options.newPassword, user.email);
  const passwordHash = await hashPassword(options.newPassword);
  return db.$transaction(async (tx) => {
    await tx.user.update({ where: { id: user.id }, data: { passwordHash } });
    const others = (await liveSessionIds(tx, user.id)).filter(
      (id) => id !== options.currentSessionId,
    );
    const ended = await endSessions(tx, user.id, others);
    await revokeAllForUser(tx, user.id);
    await recordAuthEvent(tx, by, { action: 'user.password_changed', target: userTarget(user.id) });
    return ended;
  });
}
