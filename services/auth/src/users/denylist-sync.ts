import type { Redis } from 'ioredis';
import { DENYLIST_SYNCED_KEY, disabledUserKey, sessionDenylistId } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { recentlyRevokedClients } from '../oauth/recently-revoked-clients.js';

/** Seconds past an access token's lifetime that an entry is kept (clock skew, as markDisabled). */
const MARGIN_SECONDS = 60;

/**
 * Write the disabled-user denylist again from the users table, the source of truth. Redis may
 * have lost entries: a restart without persistence, or a write that failed while it was down
 * when the user was disabled. Only users disabled recently enough to still hold a valid access
 * token need an entry, and each gets what remains of that token's lifetime. The sync marker
 * (DENYLIST_SYNCED_KEY) is written with them.
 */
export async function syncDenylist(
  db: Db,
  redis: Redis,
  accessTokenTtlSeconds: number,
): Promise<number> {
  const keepSeconds = accessTokenTtlSeconds + MARGIN_SECONDS;
  const since = new Date(Date.now() - keepSeconds * 1000);
  const users = await db.user.findMany({
    where: { disabled: true, updatedAt: { gte: since } },
    select: { id: true, updatedAt: true },
  });
  // Revoked machine clients: their tokens' subject is the client id (never enabled again).
  // Signed-out sessions: their tokens' `sid` (never signed in again).
  const signedOut = await db.sessionSignOut.findMany({
    where: { signedOutAt: { gte: since } },
    select: { sessionId: true, signedOutAt: true },
  });
  const recent = [
    ...users,
    ...(await recentlyRevokedClients(db, since)),
    ...signedOut.map((s) => ({ id: sessionDenylistId(s.sessionId), updatedAt: s.signedOutAt })),
  ];
  // One transaction, the marker last: the gateway and the services trust the list only while
  // the marker is there, and a Redis that restarts mid-way must not keep a marker without the
  // entries it vouches for. (A Redis that lost its data has no marker: they answer 503.)
  const batch = redis.multi();
  for (const user of recent) {
    const remaining = keepSeconds - Math.floor((Date.now() - user.updatedAt.getTime()) / 1000);
    if (remaining > 0) batch.set(disabledUserKey(user.id), '1', 'EX', remaining);
  }
  batch.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
  await batch.exec();
  if (!users.length) return recent.length;
  // An admin may have enabled one of them meanwhile, and cleared its entry before ours was
  // written: look again, so a user enabled again is never locked out by this sync.
  const enabledSince = await db.user.findMany({
    where: { id: { in: users.map((u) => u.id) }, disabled: false },
    select: { id: true },
  });
  if (enabledSince.length) await redis.del(...enabledSince.map((u) => disabledUserKey(u.id)));
  return recent.length;
}
