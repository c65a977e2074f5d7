import type { Redis } from 'ioredis';

/**
 * The denylist the gateway checks on every request: a disabled user's access tokens stop
 * working at once there, and everywhere else at their expiry (the entry lives that long).
 */
export const disabledUserKey = (userId: string) => `switchyard:auth:disabled-user:${userId}`;

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

export async function isDisabled(redis: Redis, userId: string): Promise<boolean> {
  return (await redis.exists(disabledUserKey(userId))) === 1;
}
