import { randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@switchyard/audit';
import { asUser } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { FIRST_PARTY_CLIENT, issueRefreshToken } from './refresh-tokens.js';

/**
 * A signed-in user's new session with the first-party client: its refresh token (a new
 * family) and the sign-in's entry in the audit trail, in one transaction.
 */
export function startSession(
  db: Db,
  options: { userId: string; ttlSeconds: number; origin: AuditOrigin },
): Promise<{ refreshToken: string; sessionId: string }> {
  // The family's id is the session's: its access tokens carry it (`sid`).
  const sessionId = randomUUID();
  return db.$transaction(async (tx) => {
    const refreshToken = await issueRefreshToken(tx, {
      userId: options.userId,
      clientId: FIRST_PARTY_CLIENT,
      familyId: sessionId,
      ttlSeconds: options.ttlSeconds,
      device: { userAgent: options.origin.userAgent, ip: options.origin.ip },
    });
    await recordAuthEvent(tx, asUser(options.userId, options.origin), {
      action: 'auth.login_succeeded',
      target: userTarget(options.userId),
    });
    return { refreshToken, sessionId };
  });
}
