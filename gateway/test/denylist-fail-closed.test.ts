import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { DENYLIST_SYNCED_KEY, disabledUserKey, type App } from '@switchyard/service-kit';
import { loseRedisData, startJwksServer, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

/**
 * A Redis database of this test's own: it plays a Redis that lost its data while the auth
 * service was down, which the shared database 0 must never do for the other suites.
 */
const REDIS_URL = 'redis://127.0.0.1:6379/12';

type Ready = { checks: Record<string, string> };

/**
 * The denylist fails closed: the gateway trusts it only while the sync marker auth writes with
 * it is there. Without the marker a disabled user's token would pass, so every authenticated
 * request is answered 503 (with Retry-After) and never proxied; public routes keep working.
 */
describe('gateway: the denylist after Redis lost its data', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let redis: Redis;
  const reached: string[] = [];
  let base: string;

  beforeAll(async () => {
    redis = new Redis(REDIS_URL);
    await loseRedisData(REDIS_URL); // and auth is not running to write it again
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      reached.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, baseUrl: base } = await startTestGateway(jwks, url, { REDIS_URL }));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
    await loseRedisData(REDIS_URL);
    await redis.quit();
  });

  const get = async (path: string, userId?: string) =>
    fetch(base + path, {
      headers: userId ? { authorization: `Bearer ${await jwks.sign({ userId })}` } : {},
    });

  it('answers 503 with Retry-After for authenticated requests, and serves public routes', async () => {
    // A user disabled before Redis lost the entry: nothing in Redis says so any more.
    const disabled = randomUUID();
    const before = reached.length;
    for (const userId of [disabled, randomUUID()]) {
      const res = await get('/v1/orders', userId);
      expect(res.status).toBe(503);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
      expect(Number(res.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(((await res.json()) as { code: string }).code).toBe('UNAVAILABLE');
    }
    expect(reached.length).toBe(before);
    // Public routes need no denylist: the catalogue and signing in keep working.
    expect((await get('/v1/products')).status).toBe(200);
    const login = await fetch(base + '/v1/auth/login', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(login.status).toBe(200);
    expect(reached.slice(before)).toEqual(['GET /v1/products', 'POST /v1/auth/login']);
  });

  it('lets authenticated requests through again once auth has written the list and marker', async () => {
    const disabled = randomUUID();
    // What auth's sync writes: the entries, and the marker with them.
    await redis.set(disabledUserKey(disabled), '1', 'EX', 60);
    await redis.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
    expect((await get('/v1/orders', disabled)).status).toBe(401);
    expect((await get('/v1/orders', randomUUID())).status).toBe(200);
  });

  it('shows in /readyz whether the denylist is synced, without deciding readiness', async () => {
    await redis.del(DENYLIST_SYNCED_KEY);
    const missing = await get('/readyz');
    expect(missing.status).toBe(200);
    expect(((await missing.json()) as Ready).checks.denylist).toBe('not synced');
    await redis.set(DENYLIST_SYNCED_KEY, new Date().toISOString());
    expect(((await (await get('/readyz')).json()) as Ready).checks.denylist).toBe('synced');
  });
});
