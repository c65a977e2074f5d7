import type { FastifyReply } from 'fastify';
import type { Redis } from 'ioredis';
import { AppError } from './errors.js';

/**
 * The denylist the gateway checks on every request: a disabled user's access tokens stop
 * working at once there, and everywhere else at their expiry (the entry lives that long).
 */
export const disabledUserKey = (userId: string) => `switchyard:auth:disabled-user:${userId}`;

/**
 * Written by auth's denylist sync in one transaction with the entries (never expires): while
 * it is there, Redis holds the whole list. A Redis that lost its data (a restart without
 * persistence, an eviction, a failover to an empty replica) has no marker until auth writes
 * the list again; an empty list is then not evidence that nobody is disabled.
 */
export const DENYLIST_SYNCED_KEY = 'switchyard:auth:denylist-synced';

/** What a client is told to wait while the list is rebuilt: auth's sync runs every 10 s. */
export const DENYLIST_RETRY_AFTER_SECONDS = 10;

/** `unknown`: not listed, but the list is not known to be complete (no sync marker). */
export type DenylistStatus = 'disabled' | 'not-listed' | 'unknown';

export async function markDisabled(
  redis: Redis,
  userId: string,
  accessTokenTtlSeconds: number,
): Promise<void> {
  await redis.set(disabledUserKey(userId), '1', 'EX', accessTokenTtlSeconds + 60);
}

export async function clearDisabled(redis: Redis, userId: string): Promise<void> {
  await redis.del(disabledUserKey(userId));
}

/** The entry and the marker, in one round trip. A listed user is refused, marker or not. */
export async function denylistStatus(redis: Redis, userId: string): Promise<DenylistStatus> {
  const [synced, disabled] = await redis.mget(DENYLIST_SYNCED_KEY, disabledUserKey(userId));
  if (disabled !== null) return 'disabled';
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
