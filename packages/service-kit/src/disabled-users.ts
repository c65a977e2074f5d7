import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

/**
 * The denylist the gateway checks on every request: a disabled user's access tokens stop
 * working at once there, and everywhere else at their expiry (the entry lives that long).
 */
export const disabledUserKey = (userId: string) => `switchyard:auth:disabled-user:${userId}`;

/**
 * How one signed-out session (a refresh-token family, the access token's `sid` claim) is listed
 * in the same denylist, beside the users: `markDisabled(redis, sessionDenylistId(sid), ttl)`.
 * Its access tokens stop at once while the user's other sessions go on.
 */
export const sessionDenylistId = (sessionId: string) => `session:${sessionId}`;

/**
 * Written by auth's denylist sync in one transaction with the entries (never expires): while
 * it is there, Redis holds the whole list. A Redis that lost its data (a restart without
 * persistence, an eviction, a failover to an empty replica) has no marker until auth writes
 * the list again; an empty list is then not evidence that nobody is disabled.
 */
export const DENYLIST_SYNCED_KEY = 'switchyard:auth:denylist-synced';

/**
 * Where markDisabled and clearDisabled announce each change, so a process holding the list in
 * memory (DenylistCache) learns of it at once. JSON of DenylistChange.
 */
export const DENYLIST_CHANGES_CHANNEL = 'switchyard:auth:denylist-changes';

/** A user disabled for `disabledForMs` from now (the entry's TTL), or enabled again (absent). */
export interface DenylistChange {
  userId: string;
  disabledForMs?: number;
}

/** What a client is told to wait while the list is rebuilt: auth's sync runs every 10 s. */
export const DENYLIST_RETRY_AFTER_SECONDS = 10;

/** `unknown`: not listed, but the list is not known to be complete (no sync marker). */
export type DenylistStatus = 'disabled' | 'not-listed' | 'unknown';

/** The entry and the message announcing it, in one transaction (one round trip). */
export async function markDisabled(
  redis: Redis,
  userId: string,
  accessTokenTtlSeconds: number,
): Promise<void> {
  const seconds = accessTokenTtlSeconds + 60;
  const change: DenylistChange = { userId, disabledForMs: seconds * 1000 };
  await execOrThrow(
    redis
      .multi()
      .set(disabledUserKey(userId), '1', 'EX', seconds)
      .publish(DENYLIST_CHANGES_CHANNEL, JSON.stringify(change)),
  );
}

export async function clearDisabled(redis: Redis, userId: string): Promise<void> {
  const change: DenylistChange = { userId };
  await execOrThrow(
    redis
      .multi()
      .del(disabledUserKey(userId))
      .publish(DENYLIST_CHANGES_CHANNEL, JSON.stringify(change)),
  );
}

async function execOrThrow(transaction: ReturnType<Redis['multi']>): Promise<void> {
  const results = await transaction.exec();
  const failed = results?.find(([error]) => error);
  if (!results || failed) throw failed?.[0] ?? new Error('Redis transaction was discarded');
}

/**
 * The entry and the marker, in one round trip. A listed user is refused, marker or not; so is a
 * token of a listed session (`sessionId`, its `sid`), when it has one.
 */
export async function denylistStatus(
  redis: Redis,
  userId: string,
  sessionId?: string,
): Promise<DenylistStatus> {
  const keys = [DENYLIST_SYNCED_KEY, disabledUserKey(userId)];
  if (sessionId) keys.push(disabledUserKey(sessionDenylistId(sessionId)));
  const [synced, ...listed] = await redis.mget(...keys);
  if (listed.some((entry) => entry !== null)) return 'disabled';
  return synced === null ? 'unknown' : 'not-listed';
}

/**
 * The answer to an authenticated request while the list is `unknown`: 503 with Retry-After,
 * never a pass (a disabled user would get through) and never a 401 (the token may be good).
 */
export function denylistIncomplete(reply: FastifyReply): AppError {
  reply.header('retry-after', String(DENYLIST_RETRY_AFTER_SECONDS));
  return new AppError('UNAVAILABLE', 'Account status cannot be checked right now; retry later');
}

/** For /readyz (a status, not a check: public routes keep serving without the marker). */
export async function denylistReport(redis: Redis): Promise<Record<string, string>> {
  const synced = await redis.exists(DENYLIST_SYNCED_KEY).then(
    (found) => (found === 1 ? 'synced' : 'not synced'),
    () => 'unreadable',
  );
  return { denylist: synced };
}
