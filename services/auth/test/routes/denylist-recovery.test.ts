// The disabled-user denylist lives in Redis, which may restart empty (no persistence) or miss
// a write (Redis down when the admin disabled the user). The users table is the source of
// truth: the auth service writes the denylist again from it, so a disabled user never gets
// their access back because Redis lost a key. Found by the chaos run's Redis restart.
import { Redis } from 'ioredis';
import { disabledUserKey } from '@switchyard/service-kit';
import { waitFor } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { registerClient } from '../../src/oauth/machine-clients.js';
import { revokeClient } from '../../src/oauth/revoke-client.js';
import { syncDenylist } from '../../src/users/denylist-sync.js';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

describe('auth service: the denylist survives losing Redis', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let redis: Redis;
  beforeAll(async () => {
    service = await startAuthService({ DENYLIST_SYNC_INTERVAL_MS: '200' });
    redis = new Redis('redis://127.0.0.1:6379');
  });
  afterAll(async () => {
    await redis.quit();
    await service.close();
  });

  const setDisabled = async (adminToken: string, userId: string, disabled: boolean) => {
    const res = await service.app.inject({
      method: 'PATCH',
      url: `/v1/auth/admin/users/${userId}`,
      headers: { authorization: `Bearer ${adminToken}` },
      payload: { disabled },
    });
    expect(res.statusCode).toBe(200);
  };

  it('writes a lost entry again from the users table, for as long as tokens may live', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const victim = await signUp(service.app, service.ctx.databaseUrl);
    await setDisabled(admin.accessToken, victim.id, true);
    // What a Redis restart without persistence does to the entry.
    await redis.del(disabledUserKey(victim.id));
    await waitFor(async () => (await redis.exists(disabledUserKey(victim.id))) === 1, {
      timeoutMs: 5_000,
      intervalMs: 50,
      what: 'the denylist entry written again',
    });
    // Long enough for a token issued just before the disabling, not for ever.
    const ttl = await redis.ttl(disabledUserKey(victim.id));
    expect(ttl).toBeGreaterThan(900);
    expect(ttl).toBeLessThanOrEqual(900 + 60);
    const me = await service.app.inject({
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${victim.accessToken}` },
    });
    expect(me.statusCode).toBe(401);
  });

  it('does not denylist a user enabled again', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const user = await signUp(service.app, service.ctx.databaseUrl);
    await setDisabled(admin.accessToken, user.id, true);
    await setDisabled(admin.accessToken, user.id, false);
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await redis.exists(disabledUserKey(user.id))).toBe(0);
  });

  it('writes revoked machine clients and disabled users in one pass, without failing', async () => {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const user = await signUp(service.app, service.ctx.databaseUrl);
    await setDisabled(admin.accessToken, user.id, true);
    const db = createDb(service.ctx.databaseUrl);
    try {
      const by = { actor: { type: 'system' as const, id: 'cli:test' } };
      const client = await registerClient(db, {
        name: 'sync',
        scopes: [],
        createdBy: admin.id,
        by,
      });
      await revokeClient(db, redis, { clientId: client.clientId, by, accessTokenTtlSeconds: 900 });
      await redis.del(disabledUserKey(user.id), disabledUserKey(client.clientId));
      // A client id is no user id (uuid): the re-check for users enabled meanwhile must not
      // be asked about it.
      expect(await syncDenylist(db, redis, 900)).toBeGreaterThanOrEqual(2);
      expect(await redis.exists(disabledUserKey(user.id), disabledUserKey(client.clientId))).toBe(
        2,
      );
    } finally {
      await db.$disconnect();
    }
  });
});
