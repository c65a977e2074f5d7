import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { parseList, type Item } from 'structured-headers';
import { routeTable } from '../src/routes/route-table.js';
import { startTestGateway } from './support.js';

const LIMIT = 3;
const NAMESPACE = `switchyard:test:credentials:${randomUUID()}:`;

/** Every route that takes a password, reset token or client secret, from the one route table. */
const credentialRoutes = routeTable({
  AUTH_SERVICE_URL: 'http://auth',
  ORDER_SERVICE_URL: 'http://order',
  PAYMENT_SERVICE_URL: 'http://payment',
  NOTIFICATION_SERVICE_URL: 'http://notification',
  BILLING_SERVICE_URL: 'http://billing',
} as never).flatMap((r) => (r.credentialRoutes ?? []).map((e) => e.split(' ') as [string, string]));

/** The path with one letter percent-encoded (lower-case hex, as seen from outside). */
const escapeLetterAt = (path: string, index: number) =>
  path.slice(0, index) + `%${path.charCodeAt(index).toString(16)}` + path.slice(index + 1);

/** Escapes the router and the services decode: the last letter, and the first (upper-case hex). */
const spellingsOf = (path: string) => [
  escapeLetterAt(path, path.length - 1),
  escapeLetterAt(path, 1).replace(/%[0-9a-f]{2}/, (e) => e.toUpperCase()),
];

/**
 * The per-IP credential budget cannot be escaped by spelling a credential route differently:
 * an escaped unreserved character names the same route (RFC 3986 §2.3, §6.2.2.2), the router
 * and the services decode it, so the gateway decides — and forwards — the normalised path.
 */
describe('gateway: credential routes under any spelling', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let redis: Redis;
  const reached: string[] = [];
  let base: string;

  beforeAll(async () => {
    jwks = await startJwksServer();
    redis = new Redis('redis://127.0.0.1:6379');
    upstream = createServer((req, res) => {
      reached.push(`${req.method} ${req.url}`);
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, baseUrl: base } = await startTestGateway(jwks, url, {
      AUTH_RATE_LIMIT_PER_MINUTE: String(LIMIT),
      RATE_LIMIT_NAMESPACE: NAMESPACE,
    }));
  });
  beforeEach(async () => {
    // Each route starts with a full budget (every request here comes from 127.0.0.1).
    const keys = await redis.keys(`${NAMESPACE}*`);
    if (keys.length) await redis.del(...keys);
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
    await redis.quit();
  });

  it('lists the credential routes of the auth service', () => {
    expect(credentialRoutes.map(([m, p]) => `${m} ${p}`)).toEqual(
      expect.arrayContaining([
        'POST /v1/auth/login',
        'POST /v1/auth/password-reset',
        'POST /oauth/token',
      ]),
    );
  });

  it.each(
    credentialRoutes.flatMap(([method, path]) => spellingsOf(path).map((s) => [method, path, s])),
  )(
    '%s %s spelt %s is charged to the per-IP credential budget and forwarded normalised',
    async (method, path, spelling) => {
      // With any customer's token: the escaped path must not move to the per-user budget.
      const authorization = `Bearer ${await jwks.sign({ userId: randomUUID() })}`;
      const send = (target: string) =>
        fetch(base + target, {
          method,
          headers: { authorization, 'content-type': 'application/json' },
          body: '{}',
        });
      const before = reached.length;
      const statuses: number[] = [];
      let last: Response | undefined;
      for (let i = 0; i <= LIMIT; i++) {
        last = await send(i === 0 ? path : spelling);
        statuses.push(last.status);
      }
      expect(statuses).toEqual([...Array<number>(LIMIT).fill(200), 429]);
      const [policy] = parseList(String(last!.headers.get('ratelimit-policy')))[0] as Item;
      expect(policy).toBe('credentials');
      expect(last!.headers.get('content-type')).toMatch(/application\/problem\+json/);
      // The services receive the path the gateway decided on.
      expect(reached.slice(before)).toEqual(Array<string>(LIMIT).fill(`${method} ${path}`));
    },
  );
});
