import { Redis } from 'ioredis';
import { DENYLIST_SYNCED_KEY } from '@switchyard/service-kit';

/**
 * What the auth service's denylist sync leaves in Redis: the marker that the disabled-user
 * list is complete. Gateway and services answer 503 to authenticated requests without it, so
 * a test that runs them without an auth service writes it, as auth would have. Only ever set
 * (never deleted) on a shared Redis; a test of a Redis that lost its data uses a database of
 * its own.
 */
export async function markDenylistSynced(redisUrl = 'redis://127.0.0.1:6379'): Promise<void> {
  const redis = new Redis(redisUrl, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    await redis.set(DENYLIST_SYNCED_KEY, new Date().toISOString(), 'NX');
  } finally {
    redis.disconnect();
  }
}
