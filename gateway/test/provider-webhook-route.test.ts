import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * The payment provider's webhook is a server-to-server call: the gateway proxies it on a lean
 * route (route-table.ts, providerWebhook) that pays for no customer-facing feature — no token,
 * no per-client rate limit in Redis, no security headers, no CORS — behind one global limit
 * per replica. The payment service verifies the signature; the gateway forwards the signed
 * bytes and the signature header untouched.
 */
describe('gateway: the provider webhook route', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let base: string;
  const received: Received[] = [];
  const PATH = '/v1/payments/webhooks/provider';
  const SIGNED = '{"id":"evt_1","type":"charge.succeeded", "data":{"object":{"id":"ch_1"}}}';

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        received.push({
          method: req.method ?? '',
          url: req.url ?? '',
          headers: req.headers,
          body: Buffer.concat(chunks).toString('utf8'),
        });
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"received":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, baseUrl: base } = await startTestGateway(jwks, url, {
      // One request per minute per client: the webhook route must not count against it.
      RATE_LIMIT_PER_MINUTE: '1',
      PROVIDER_WEBHOOK_RATE_PER_SECOND: '5',
      CORS_ORIGINS: 'https://shop.example',
    }));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
  });

  const deliver = (headers: Record<string, string> = {}) =>
    fetch(base + PATH, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'stripe-signature': 't=1,v1=abc',
        origin: 'https://shop.example',
        ...headers,
      },
      body: SIGNED,
    });

  it('forwards the signed bytes and the signature without a token, limit, security headers or CORS', async () => {
    received.length = 0;
    for (let i = 0; i < 3; i++) {
      const res = await deliver();
      expect(res.status).toBe(200);
      expect(await res.json()).toEqual({ received: true });
      expect(res.headers.get('ratelimit')).toBeNull();
      expect(res.headers.get('content-security-policy')).toBeNull();
      expect(res.headers.get('strict-transport-security')).toBeNull();
      expect(res.headers.get('access-control-allow-origin')).toBeNull();
      expect(res.headers.get('x-request-id')).toBeTruthy();
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
    expect(received).toHaveLength(3);
    for (const r of received) {
      expect(r).toMatchObject({ method: 'POST', url: PATH, body: SIGNED });
      expect(r.headers['stripe-signature']).toBe('t=1,v1=abc');
    }
  });

  it('still strips identity headers a caller sends', async () => {
    received.length = 0;
    expect((await deliver({ 'x-user-id': 'admin', 'x-forwarded-for': '10.0.0.1' })).status).toBe(
      200,
    );
    expect(received[0]!.headers['x-user-id']).toBeUndefined();
    expect(received[0]!.headers['x-forwarded-for']).toBe('127.0.0.1');
  });

  it('answers 429 with Retry-After past its global limit per second, before the service sees it', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    received.length = 0;
    const statuses = await Promise.all(
      Array.from({ length: 8 }, () => deliver().then((res) => res)),
    );
    const refused = statuses.filter((res) => res.status === 429);
    expect(refused.length).toBeGreaterThanOrEqual(3);
    expect(refused[0]!.headers.get('retry-after')).toBe('1');
    expect(refused[0]!.headers.get('content-type')).toMatch(/application\/problem\+json/);
    expect(received.length).toBe(8 - refused.length);
  });

  it('is POST of that exact path only: anything else under /v1/payments needs a token', async () => {
    await new Promise((resolve) => setTimeout(resolve, 1_100));
    received.length = 0;
    expect((await fetch(base + PATH)).status).toBe(401);
    const other = await fetch(base + '/v1/payments/webhooks/other', {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    expect(other.status).toBe(401);
    expect(received).toHaveLength(0);
  });

  it('refuses a body over the body limit with 413, before anything goes upstream', async () => {
    received.length = 0;
    const res = await fetch(base + PATH, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': 't=1,v1=abc' },
      body: JSON.stringify({ pad: 'x'.repeat(300 * 1024) }),
    });
    expect(res.status).toBe(413);
    expect(received).toHaveLength(0);
  });
});
