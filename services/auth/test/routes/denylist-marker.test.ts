// Gateway and services trust the disabled-user denylist only while the marker auth's sync
// writes with it is in Redis (issue 19, item 9): a Redis that lost its data while auth was
// down holds no marker, and they answer 503 instead of letting a disabled user through. So the
// sync must write the marker at start, and only together with the entries it vouches for.
import { Redis } from 'ioredis';
import { DENYLIST_SYNCED_KEY, disabledUserKey } from '@switchyard/service-kit';
import { loseRedisData, waitFor } from '@switchyard/testing';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

/** A Redis database of this test's own: it loses its data here, database 0 never may. */
const REDIS_URL = 'redis://127.0.0.1:6379/14';

describe('auth service: the denylist sync marker', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let redis: Redis;
  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await loseRedisData(REDIS_URL);
    service = await startAuthService({ REDIS_URL, DENYLIST_SYNC_INTERVAL_MS: '200' });
  });
  afterAll(async () => {
    await service.close();
    await loseRedisData(REDIS_URL);
    await redis.quit();
  });

  it('is written before the service reports ready', async () => {
    expect(await redis.get(DENYLIST_SYNCED_KEY)).not.toBeNull();
  });

  it('is written again, with the entries, after Redis lost its data', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const victim = await signUp(service.app, service.ctx.databaseUrl);
    const res = await service.app.inject({
      method: 'PATCH',
      url: `/v1/auth/admin/users/${victim.id}`,
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { disabled: true },
    });
    expect(res.statusCode).toBe(200);
    await loseRedisData(REDIS_URL);
    await waitFor(async () => (await redis.exists(DENYLIST_SYNCED_KEY)) === 1, {
      timeoutMs: 5_000,
      intervalMs: 20,
      what: 'the marker written again',
    });
    // One transaction: the marker is never there without the entries it vouches for.
    expect(await redis.exists(disabledUserKey(victim.id))).toBe(1);
    const me = await service.app.inject({
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${victim.accessToken}` },
    });
    expect(me.statusCode).toBe(401);
  });
});
