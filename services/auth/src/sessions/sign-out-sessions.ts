import type { Redis } from 'ioredis';
import type { AuditContext } from '@switchyard/audit';
import { markDisabled, sessionDenylistId } from '@switchyard/service-kit';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * End sessions inside `tx`: every live token of each family revoked, and each session written
 * to session_sign_outs so the denylist sync lists its access tokens again if Redis lost them.
 * Returns the sessions that were live (revoking a dead one again changes nothing).
 */
export async function endSessions(tx: Tx, userId: string, sessionIds: string[]): Promise<string[]> {
  if (sessionIds.length === 0) return [];
  const live = await tx.refreshToken.findMany({
    where: { userId, familyId: { in: sessionIds }, revokedAt: null },
    select: { familyId: true },
    distinct: ['familyId'],
  });
  const ended = live.map((row) => row.familyId);
  if (ended.length === 0) return [];
  await tx.refreshToken.updateMany({
    where: { userId, familyId: { in: ended }, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  await tx.sessionSignOut.createMany({
    data: ended.map((sessionId) => ({ sessionId, userId })),
    skipDuplicates: true,
  });
  return ended;
}

/** The user's sessions that still hold a usable refresh token. */
export async function liveSessionIds(tx: Tx | Db, userId: string): Promise<string[]> {
  const rows = await tx.refreshToken.findMany({
    where: { userId, revokedAt: null, usedAt: null, expiresAt: { gt: new Date() } },
    select: { familyId: true },
    distinct: ['familyId'],
  });
  return rows.map((row) => row.familyId);
}

/** After commit: the ended sessions' access tokens stop at once at the gateway and services. */
export async function denySessions(
  redis: Redis,
  sessionIds: string[],
  accessTokenTtlSeconds: number,
): Promise<void> {
  for (const sessionId of sessionIds)
    await markDisabled(redis, sessionDenylistId(sessionId), accessTokenTtlSeconds);
}

/**
 * Sign out sessions of the user: one (`only`), or all but `keep` (none kept when absent). Their
 * refresh tokens are revoked and their access tokens denylisted; recorded in the audit trail
 * as the owner's act, in the same transaction. Null when `only` is not a live session of theirs.
 */
export async function signOutSessions(
  db: Db,
  redis: Redis,
  options: {
    userId: string;
    only?: string;
    keep?: string;
    accessTokenTtlSeconds: number;
    by: AuditContext;
  },
): Promise<string[] | null> {
  const { userId } = options;
  const ended = await db.$transaction(async (tx) => {
    const candidates = options.only
      ? [options.only]
      : (await liveSessionIds(tx, userId)).filter((id) => id !== options.keep);
    const ended = await endSessions(tx, userId, candidates);
    if (options.only && ended.length === 0) return null;
    if (ended.length > 0)
      await recordAuthEvent(tx, options.by, {
        action: options.only ? 'auth.session_signed_out' : 'auth.sessions_signed_out',
        target: userTarget(userId),
        details: { sessions: ended },
      });
    return ended;
  });
  if (ended) await denySessions(redis, ended, options.accessTokenTtlSeconds);
  return ended;
}
