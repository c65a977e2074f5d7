import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { exportJWK, generateKeyPair, SignJWT } from 'jose';
import { disabledUserKey, loadConfig, markDisabled, type App } from '@switchyard/service-kit';
import {
  freePort,
  markDenylistSynced,
  waitFor,
  startJwksServer,
  type JwksServer,
} from '@switchyard/testing';
import { startMetricsServer } from '@switchyard/service-kit';
import { buildGateway } from '../src/app.js';
import { GatewayConfig } from '../src/config.js';
import { parseList, type Item } from 'structured-headers';

interface Seen {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
}

const flakyHits = new Map<string, number>();

/** A real upstream that answers with what it received. */
async function startEchoUpstream(): Promise<{ url: string; seen: Seen[]; server: Server }> {
  const seen: Seen[] = [];
  const server = createServer((req, res) => {
    seen.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers });
    if (req.url === '/openapi.json') {
      res.writeHead(200, { 'content-type': 'application/json' }).end(
        JSON.stringify({
          openapi: '3.1.0',
          paths: {
            '/v1/orders': { get: {} },
            '/v1/auth/login': { post: {} },
            '/v1/account/profile': { get: {}, put: {} },
            '/v1/plans/{id}': { get: {} },
            '/v1/subscriptions': { get: {}, post: {} },
            '/internal/secret': { get: {} },
          },
        }),
      );
      return;
    }
    if (req.url?.startsWith('/v1/orders/flaky')) {
      // Drops the connection on the first attempt for each key, answers the second.
      const key = `${req.method} ${req.url}`;
      flakyHits.set(key, (flakyHits.get(key) ?? 0) + 1);
      if (flakyHits.get(key) === 1) {
        req.socket.destroy();
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      return;
    }
    if (req.url?.startsWith('/v1/orders/slow')) {
      // Answers long after the gateway's upstream timeout.
      setTimeout(() => res.writeHead(200).end('{}'), 5_000).unref();
      return;
    }
    if (req.url?.startsWith('/v1/notifications/fail')) {
      res.writeHead(503, { 'content-type': 'application/json' }).end('{}');
      return;
    }
    res
      .writeHead(200, { 'content-type': 'application/json' })
      .end(JSON.stringify({ ok: true, url: req.url }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return { url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen, server };
}

describe('gateway', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Awaited<ReturnType<typeof startEchoUpstream>>;
  let deadUpstream: string;

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = await startEchoUpstream();
    deadUpstream = `http://127.0.0.1:${await freePort()}`;
    const redis = new Redis('redis://127.0.0.1:6379');
    const keys = await redis.keys('switchyard:gateway:rate:*');
    if (keys.length) await redis.del(...keys);
    await redis.quit();
    await markDenylistSynced(); // as auth's sync leaves it
    gateway = await buildGateway(
      loadConfig(GatewayConfig, {
        PORT: '0',
        LOG_LEVEL: 'silent',
        AUTH_JWKS_URL: jwks.url,
        AUTH_SERVICE_URL: upstream.url,
        ORDER_SERVICE_URL: upstream.url,
        PAYMENT_SERVICE_URL: deadUpstream,
        NOTIFICATION_SERVICE_URL: upstream.url,
        BILLING_SERVICE_URL: upstream.url,
        AUTH_RATE_LIMIT_PER_MINUTE: '3',
        UPSTREAM_TIMEOUT_MS: '2000',
        CIRCUIT_FAILURE_THRESHOLD: '3',
        CIRCUIT_OPEN_MS: '60000',
        CORS_ORIGINS: 'https://shop.example.com',
      }),
    );
    await gateway.ready();
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.server.close();
  });

  const bearer = async (userId = randomUUID()) => ({
    authorization: `Bearer ${await jwks.sign({ userId })}`,
  });

  it('answers a protected route without a token with 401 and never calls the upstream', async () => {
    const before = upstream.seen.length;
    const res = await gateway.inject({ url: '/v1/orders' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(upstream.seen.length).toBe(before);
  });

  it('routes the customer profile to auth behind a token', async () => {
    const before = upstream.seen.length;
    const anonymous = await gateway.inject({ method: 'PUT', url: '/v1/account/profile' });
    expect(anonymous.statusCode).toBe(401);
    expect(upstream.seen.length).toBe(before);
    const res = await gateway.inject({ url: '/v1/account/profile', headers: await bearer() });
    expect(res.statusCode).toBe(200);
    expect(res.json().url).toBe('/v1/account/profile');
  });

  it('forwards a request with a valid token, the token, and a request id', async () => {
    const headers = await bearer();
    const res = await gateway.inject({
      url: '/v1/orders/123?x=1',
      headers: { ...headers, 'x-request-id': 'req-42' },
    });
    expect(res.statusCode).toBe(200);
    const last = upstream.seen.at(-1)!;
    expect(last.url).toBe('/v1/orders/123?x=1');
    expect(last.headers.authorization).toBe(headers.authorization);
    expect(last.headers['x-request-id']).toBe('req-42');
    expect(res.headers['x-request-id']).toBe('req-42');
  });

  it('keeps the per-IP credential limit to routes that take a credential, not /me or admin routes', async () => {
    const headers = await bearer();
    for (let i = 0; i < 6; i++) {
      expect((await gateway.inject({ url: '/v1/auth/me', headers })).statusCode).toBe(200);
      expect((await gateway.inject({ url: '/v1/auth/admin/users', headers })).statusCode).toBe(200);
    }
  });

  it('strips identity headers a client tries to set', async () => {
    await gateway.inject({
      url: '/v1/notifications',
      headers: {
        ...(await bearer()),
        'x-user-id': 'admin',
        'x-user-roles': 'admin',
        'x-forwarded-user': 'root',
      },
    });
    const last = upstream.seen.at(-1)!;
    expect(last.headers['x-user-id']).toBeUndefined();
    expect(last.headers['x-user-roles']).toBeUndefined();
    expect(last.headers['x-forwarded-user']).toBeUndefined();
  });

  it('rejects a token signed by a key that is not in the JWKS', async () => {
    const { privateKey, publicKey } = await generateKeyPair('ES256');
    await exportJWK(publicKey);
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'test-key-1', typ: 'at+jwt' })
      .setSubject(randomUUID())
      .setIssuer(jwks.issuer)
      .setAudience(jwks.audience)
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    const res = await gateway.inject({
      url: '/v1/orders',
      headers: { authorization: `Bearer ${forged}` },
    });
    expect(res.statusCode).toBe(401);
  });

  it('lets public routes through without a token', async () => {
    expect((await gateway.inject({ url: '/v1/products' })).statusCode).toBe(200);
    expect((await gateway.inject({ url: '/v1/products/abc' })).statusCode).toBe(200);
    expect((await gateway.inject({ method: 'POST', url: '/v1/products' })).statusCode).toBe(401);
  });

  it("opens billing's plan catalog to anyone and keeps the rest of billing behind a token", async () => {
    const before = upstream.seen.length;
    expect((await gateway.inject({ url: '/v1/plans' })).statusCode).toBe(200);
    expect((await gateway.inject({ url: '/v1/plans/plan_pro' })).statusCode).toBe(200);
    expect(upstream.seen.slice(before).map((s) => s.url)).toEqual([
      '/v1/plans',
      '/v1/plans/plan_pro',
    ]);
    for (const [method, url] of [
      ['GET', '/v1/plans/plan_pro/anything'],
      ['POST', '/v1/subscriptions'],
      ['GET', '/v1/invoices/inv_1.pdf'],
      ['GET', '/v1/credit-notes'],
      ['POST', '/v1/admin/plans'],
      ['POST', '/v1/admin/billing/clock'],
      ['GET', '/v1/admin/dead-letters/billing'],
    ] as const)
      expect([method, url, (await gateway.inject({ method, url })).statusCode]).toEqual([
        method,
        url,
        401,
      ]);
    expect(upstream.seen.length).toBe(before + 2);
    const headers = await bearer();
    const pdf = await gateway.inject({ url: '/v1/invoices/inv_1.pdf', headers });
    expect(pdf.statusCode).toBe(200);
    expect(upstream.seen.at(-1)!.url).toBe('/v1/invoices/inv_1.pdf');
  });

  it('answers an unknown path with a 404 problem', async () => {
    const res = await gateway.inject({ url: '/v1/secret-admin' });
    expect(res.statusCode).toBe(404);
    expect(res.json().code).toBe('NOT_FOUND');
  });

  it('rate-limits credential routes per IP with 429, Retry-After and a problem body', async () => {
    const login = () =>
      gateway.inject({
        method: 'POST',
        url: '/v1/auth/login',
        payload: { email: 'a@b.c', password: 'x' },
      });
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await login()).statusCode);
    expect(statuses).toEqual([200, 200, 200, 429]);
    const limited = await login();
    expect(limited.headers['retry-after']).toBeDefined();
    expect(limited.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(limited.json().code).toBe('RATE_LIMITED');
    // The credential policy, per IP, with nothing left until the window resets.
    const [policy, policyParams] = parseList(
      String(limited.headers['ratelimit-policy']),
    )[0] as Item;
    expect(policy).toBe('credentials');
    expect(Object.fromEntries(policyParams)).toEqual({ q: 3, w: 60 });
    const [name, params] = parseList(String(limited.headers.ratelimit))[0] as Item;
    expect(name).toBe('credentials');
    expect(params.get('r')).toBe(0);
    expect(params.get('t')).toBeGreaterThan(0);
  });

  it('answers with a 5xx problem, not a hang or a stack trace, when an upstream is down', async () => {
    const res = await gateway.inject({ url: '/v1/payments', headers: await bearer() });
    expect([502, 503]).toContain(res.statusCode);
    expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(res.body).not.toMatch(/ECONNREFUSED|at .*\.js/);
  });

  it("rejects a disabled user's still-valid token at once", async () => {
    const userId = randomUUID();
    const headers = await bearer(userId);
    expect((await gateway.inject({ url: '/v1/orders', headers })).statusCode).toBe(200);
    const redis = new Redis('redis://127.0.0.1:6379');
    // As auth does: the entry and its message (the gateway holds the list in memory).
    await markDisabled(redis, userId, 60);
    await redis.quit();
    // Its message reaches the gateway within milliseconds.
    await waitFor(
      async () => (await gateway.inject({ url: '/v1/orders', headers })).statusCode === 401,
      { timeoutMs: 500, intervalMs: 10, what: 'the revocation to take effect' },
    );
  });

  it('refuses, right after it starts, a user disabled before it started', async () => {
    const userId = randomUUID();
    const redis = new Redis('redis://127.0.0.1:6379');
    await redis.set(disabledUserKey(userId), '1', 'EX', 60);
    await redis.quit();
    const restarted = await buildGateway(
      loadConfig(GatewayConfig, {
        PORT: '0',
        LOG_LEVEL: 'silent',
        AUTH_JWKS_URL: jwks.url,
        AUTH_SERVICE_URL: upstream.url,
        ORDER_SERVICE_URL: upstream.url,
        PAYMENT_SERVICE_URL: upstream.url,
        NOTIFICATION_SERVICE_URL: upstream.url,
        BILLING_SERVICE_URL: upstream.url,
        RATE_LIMIT_NAMESPACE: `switchyard:test:${randomUUID()}:`,
      }),
    );
    try {
      const headers = await bearer(userId);
      expect((await restarted.inject({ url: '/v1/orders', headers })).statusCode).toBe(401);
      // And once it holds the list in memory.
      await waitFor(async () => restarted.denylist.isComplete, { what: 'the list in memory' });
      expect((await restarted.inject({ url: '/v1/orders', headers })).statusCode).toBe(401);
      const other = await bearer(randomUUID());
      expect((await restarted.inject({ url: '/v1/orders', headers: other })).statusCode).toBe(200);
    } finally {
      await restarted.close();
    }
  });

  it('sends security headers, standard RateLimit headers, and no server banner', async () => {
    const res = await gateway.inject({ url: '/v1/products' });
    expect(res.headers['x-content-type-options']).toBe('nosniff');
    expect(res.headers['strict-transport-security']).toBeDefined();
    expect(res.headers['content-security-policy']).toMatch(/default-src 'none'/);
    // draft-ietf-httpapi-ratelimit-headers: structured fields, read with a library.
    const [policy, policyParams] = parseList(String(res.headers['ratelimit-policy']))[0] as Item;
    expect(policy).toBe('per-ip');
    expect(policyParams.get('w')).toBe(60);
    expect(policyParams.get('q')).toBeGreaterThan(0);
    const [name, params] = parseList(String(res.headers.ratelimit))[0] as Item;
    expect(name).toBe('per-ip');
    expect(params.get('r')).toBeLessThan(Number(policyParams.get('q')));
    expect(params.get('r')).toBeGreaterThanOrEqual(0);
    expect(params.get('t')).toBeGreaterThanOrEqual(0);
    // The earlier draft's fields are gone.
    expect(res.headers['ratelimit-limit']).toBeUndefined();
    expect(res.headers['x-ratelimit-limit']).toBeUndefined();
    expect(res.headers.server).toBeUndefined();
    expect(res.headers['x-powered-by']).toBeUndefined();
  });

  it('allows CORS only for listed origins', async () => {
    const preflight = (origin: string) =>
      gateway.inject({
        method: 'OPTIONS',
        url: '/v1/orders',
        headers: {
          origin,
          'access-control-request-method': 'POST',
          'access-control-request-headers': 'authorization',
        },
      });
    const allowed = await preflight('https://shop.example.com');
    expect(allowed.headers['access-control-allow-origin']).toBe('https://shop.example.com');
    const denied = await preflight('https://evil.example.net');
    expect(denied.headers['access-control-allow-origin']).toBeUndefined();
  });

  it('lets a browser read the headers a client acts on, Idempotent-Replayed among them', async () => {
    const res = await gateway.inject({
      url: '/v1/orders',
      headers: { origin: 'https://shop.example.com', ...(await bearer()) },
    });
    expect(res.headers['access-control-expose-headers']?.toString().split(/,\s*/)).toEqual(
      expect.arrayContaining(['x-request-id', 'retry-after', 'location', 'idempotent-replayed']),
    );
  });

  it('opens the circuit after repeated upstream failures and answers 503 at once', async () => {
    const headers = await bearer();
    const before = upstream.seen.length;
    for (let i = 0; i < 3; i++) {
      expect((await gateway.inject({ url: '/v1/notifications/fail', headers })).statusCode).toBe(
        503,
      );
    }
    const rejected = await gateway.inject({ url: '/v1/notifications', headers });
    expect(rejected.statusCode).toBe(503);
    expect(rejected.headers['retry-after']).toBeDefined();
    expect(rejected.json().code).toBe('UNAVAILABLE');
    expect(upstream.seen.length - before).toBe(3);
    // Other upstreams are unaffected.
    expect((await gateway.inject({ url: '/v1/orders', headers })).statusCode).toBe(200);
  });

  it('serves one OpenAPI document with only the routed paths of each service', async () => {
    const res = await gateway.inject({ url: '/docs/json' });
    expect(res.statusCode).toBe(200);
    const paths = Object.keys(res.json().paths);
    expect(paths).toEqual(
      expect.arrayContaining([
        '/v1/orders',
        '/v1/auth/login',
        '/v1/account/profile',
        '/v1/plans/{id}',
        '/v1/subscriptions',
      ]),
    );
    expect(paths).not.toContain('/internal/secret');
    expect((await gateway.inject({ url: '/docs' })).statusCode).toBeLessThan(400);
  });

  it('retries a dropped connection for an idempotent GET, never for a POST', async () => {
    const headers = await bearer();
    const get = await gateway.inject({ url: '/v1/orders/flaky-get', headers });
    expect(get.statusCode).toBe(200);
    expect(flakyHits.get('GET /v1/orders/flaky-get')).toBe(2);
    const post = await gateway.inject({
      method: 'POST',
      url: '/v1/orders/flaky-post',
      headers,
      payload: {},
    });
    expect(post.statusCode).toBeGreaterThanOrEqual(502);
    expect(flakyHits.get('POST /v1/orders/flaky-post')).toBe(1);
  });

  it('answers 504 when an upstream is too slow, instead of hanging', async () => {
    const res = await gateway.inject({ url: '/v1/orders/slow', headers: await bearer() });
    expect(res.statusCode).toBe(504);
    expect(res.json()).toMatchObject({ code: 'GATEWAY_TIMEOUT' });
  });

  it('does not serve its metrics on the public port', async () => {
    const res = await gateway.inject({ url: '/metrics' });
    expect([401, 404]).toContain(res.statusCode);
    expect(res.body).not.toContain('http_server_request_duration_seconds');
  });

  it('serves its metrics on the internal metrics port only', async () => {
    const server = await startMetricsServer({ host: '127.0.0.1', port: 0 });
    try {
      const res = await fetch(`${server.url}/metrics`);
      expect(res.status).toBe(200);
      expect(await res.text()).toContain('http_server_request_duration_seconds');
      expect((await fetch(`${server.url}/v1/orders`)).status).toBe(404);
    } finally {
      await server.close();
    }
  });

  it('reports readiness with Redis reachable', async () => {
    const res = await gateway.inject({ url: '/readyz' });
    expect(res.statusCode).toBe(200);
    expect(res.json().checks.redis).toBe('ok');
  });
});
