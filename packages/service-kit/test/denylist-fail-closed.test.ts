import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { generateKeyPair, SignJWT, type CryptoKey } from 'jose';
import {
  createApp,
  DENYLIST_SYNCED_KEY,
  disabledUserKey,
  identityOf,
  jwtAuth,
  type App,
} from '../src/index.js';

/**
 * A Redis database of this test's own: it plays a Redis that lost its data, which the shared
 * database 0 must never do for the other suites using it.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/13';

/**
 * Zero trust, failing closed: a service must not trust an empty denylist. Auth's sync writes
 * a marker with the entries; a Redis without the marker lost its data (or was never written),
 * and a disabled user would pass — the service answers 503 with Retry-After instead.
 */
describe('token verification when the denylist is not known to be complete', () => {
  let app: App;
  let redis: Redis;
  let privateKey: CryptoKey;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    const pair = await generateKeyPair('ES256');
    privateKey = pair.privateKey;
    app = await createApp({ service: 'test', logLevel: 'silent' });
    await app.register(jwtAuth, {
      issuer: 'iss',
      audience: 'aud',
      keys: async () => pair.publicKey,
      denylist: redis,
    });
    app.get('/me', { onRequest: [app.authenticate] }, async (request) => identityOf(request));
    app.get('/public', async () => ({ ok: true }));
  });
  beforeEach(async () => {
    // What a Redis restarted without persistence holds: nothing.
    await redis.flushdb();
  });
  afterAll(async () => {
    await app.close();
    await redis.flushdb();
    await redis.quit();
  });

  const tokenOf = (userId: string) =>
    new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setSubject(userId)
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  const me = async (userId: string) =>
    app.inject({ url: '/me', headers: { authorization: `Bearer ${await tokenOf(userId)}` } });

  it('answers 503 problem+json with Retry-After while the sync marker is missing', async () => {
    const res = await me(randomUUID());
    expect(res.statusCode).toBe(503);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.json().code).toBe('UNAVAILABLE');
    expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
    // Routes that need no token do not depend on the denylist.
    expect((await app.inject({ url: '/public' })).statusCode).toBe(200);
  });

  it('refuses a listed user even without the marker, and trusts the list once it is there', async () => {
    const listed = randomUUID();
    await redis.set(disabledUserKey(listed), '1', 'EX', 60);
    expect((await me(listed)).statusCode).toBe(401);
    await redis.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
    expect((await me(listed)).statusCode).toBe(401);
    expect((await me(randomUUID())).statusCode).toBe(200);
  });
});
