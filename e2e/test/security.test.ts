// The security suite: one test per attack, against the real platform through the gateway
// (and, for tokens, straight at a service too: services verify again). docs/security.md
// lists each attack, this test, and the result.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { SecretBox } from '@switchyard/service-kit';
import { queryDb, sharedPlatform, type SharedPlatform } from '@switchyard/testing';
import { decodeJwt, SignJWT, type JWK } from 'jose';
import { apiClient, type ApiResponse } from './client.js';
import {
  hmacToken,
  startAttackerKeyServer,
  tokenFactory,
  unsignedToken,
  type TokenFactory,
} from './attack-tokens.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const password = 'a long enough passphrase';
const run = promisify(execFile);

describe('security suite', () => {
  let platform: SharedPlatform;
  let api: ReturnType<typeof apiClient>;
  let direct: ReturnType<typeof apiClient>;
  let tokens: TokenFactory;
  let alice: { email: string; userId: string; token: string; refreshToken: string };
  let bob: { email: string; userId: string; token: string; refreshToken: string };
  let aliceOrderId: string;

  async function customer() {
    const email = `sec-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name: 'Sec' });
    const login = await api.post('/v1/auth/login', { email, password });
    return {
      email,
      userId: registered.body.id as string,
      token: login.body.accessToken as string,
      refreshToken: login.body.refreshToken as string,
    };
  }

  beforeAll(async () => {
    platform = sharedPlatform();
    api = apiClient(platform.gatewayUrl);
    direct = apiClient(platform.serviceUrl('order'), { checkAgainstOpenApi: false });
    alice = await customer();
    bob = await customer();
    aliceOrderId = (
      await api.post(
        '/v1/orders',
        { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
        alice.token,
      )
    ).body.id;
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    const [key] = await queryDb<{ private_jwk_sealed: string; public_jwk: JWK }>(
      auth.database!.url,
      'SELECT private_jwk_sealed, public_jwk FROM signing_keys WHERE retired_at IS NULL ORDER BY activates_at DESC LIMIT 1',
    );
    // The private key is sealed at rest: the attacker here also holds the sealing key.
    const sealing = new SecretBox(auth.env.SIGNING_KEY_SEALING_KEY!);
    tokens = await tokenFactory({
      privateJwk: JSON.parse(sealing.open(key!.private_jwk_sealed)) as JWK,
      publicJwk: key!.public_jwk,
      issuer: platform.gatewayUrl,
      audience: 'switchyard-api',
      subject: alice.userId,
    });
  }, 180_000);

  /** The token must be refused by the gateway and by the service itself. */
  async function expectRejected(token: string): Promise<void> {
    const viaGateway = await api.get('/v1/orders', token);
    const atService = await direct.get('/v1/orders', token);
    expect([viaGateway.status, atService.status]).toEqual([401, 401]);
    expect(viaGateway.headers.get('content-type')).toMatch(/application\/problem\+json/);
  }

  describe('JWT attacks', () => {
    it('control: a correctly signed token is accepted (so each attack below fails for its own reason)', async () => {
      const token = await tokens.real();
      expect((await api.get('/v1/orders', token)).status).toBe(200);
      expect((await direct.get('/v1/orders', token)).status).toBe(200);
    });

    it('alg none', async () => {
      const claims = decodeJwt(await tokens.real());
      await expectRejected(unsignedToken(claims, { kid: tokens.realKid }));
    });

    it('HS256 signed with the public key as the HMAC secret', async () => {
      const claims = decodeJwt(await tokens.real());
      for (const secret of [JSON.stringify(tokens.publicJwk), tokens.publicJwk.x!]) {
        await expectRejected(
          await hmacToken(new TextEncoder().encode(secret), claims, { kid: tokens.realKid }),
        );
      }
    });

    it('unknown kid', async () => {
      const claims = decodeJwt(await tokens.real());
      const forged = await new SignJWT(claims)
        .setProtectedHeader({ alg: 'ES256', kid: randomUUID(), typ: 'at+jwt' })
        .sign(tokens.attackerKey);
      await expectRejected(forged);
    });

    it('jku, x5u and embedded jwk headers are ignored (no key is fetched or trusted from the token)', async () => {
      const attacker = await startAttackerKeyServer(tokens.attackerJwk);
      const claims = decodeJwt(await tokens.real());
      const sign = (header: Record<string, unknown>) =>
        new SignJWT(claims)
          .setProtectedHeader({ alg: 'ES256', typ: 'at+jwt', kid: 'attacker', ...header })
          .sign(tokens.attackerKey);
      await expectRejected(await sign({ jku: attacker.url }));
      await expectRejected(await sign({ x5u: attacker.url }));
      await expectRejected(await sign({ jwk: tokens.attackerJwk }));
      expect(attacker.hits()).toBe(0);
      await attacker.close();
    });

    it('expired token', async () => {
      await expectRejected(await tokens.real({ exp: Math.floor(Date.now() / 1000) - 120 }));
    });

    it('token not yet valid (nbf in the future)', async () => {
      await expectRejected(await tokens.real({ nbf: Math.floor(Date.now() / 1000) + 3600 }));
    });

    it('wrong issuer', async () => {
      await expectRejected(await tokens.real({ iss: 'https://evil.example.net' }));
    });

    it('wrong audience', async () => {
      await expectRejected(await tokens.real({ aud: 'some-other-api' }));
    });

    it('tampered payload (another subject, original signature)', async () => {
      const [header, payload, signature] = (await tokens.real()).split('.');
      const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString());
      const tampered = Buffer.from(
        JSON.stringify({ ...claims, sub: bob.userId, roles: ['admin'] }),
      ).toString('base64url');
      await expectRejected(`${header}.${tampered}.${signature}`);
    });

    it('stripped signature', async () => {
      const [header, payload] = (await tokens.real()).split('.');
      await expectRejected(`${header}.${payload}.`);
      await expectRejected(`${header}.${payload}`);
    });

    it('kid with path traversal or SQL', async () => {
      const claims = decodeJwt(await tokens.real());
      for (const kid of [
        '../../../../../../dev/null',
        "x' UNION SELECT 'secret' --",
        '/etc/passwd',
      ]) {
        await expectRejected(hmacToken(new Uint8Array(0), claims, { kid }));
        await expectRejected(hmacToken(new TextEncoder().encode('secret'), claims, { kid }));
      }
    });

    it('a token of another type (ID token, typ JWT) used as an access token', async () => {
      await expectRejected(await tokens.real({ header: { typ: 'JWT' } }));
    });

    it('a refresh token used as an access token', async () => {
      await expectRejected(alice.refreshToken);
    });

    it("a disabled user's token is refused at the gateway at once", async () => {
      const admin = await customer();
      const auth = platform.processes.find((p) => p.name === 'auth')!;
      await run(process.execPath, ['dist/cli/grant-role.js', admin.email, 'admin'], {
        cwd: auth.cwd,
        env: { ...process.env, DATABASE_URL: auth.database!.url },
      });
      const adminToken = (await api.post('/v1/auth/login', { email: admin.email, password })).body
        .accessToken;
      const victim = await customer();
      expect((await api.get('/v1/orders', victim.token)).status).toBe(200);
      const disabled = await api.call('PATCH', `/v1/auth/admin/users/${victim.userId}`, {
        token: adminToken,
        body: { disabled: true },
      });
      expect(disabled.status).toBe(200);
      expect((await api.get('/v1/orders', victim.token)).status).toBe(401);
      expect(
        (await api.post('/v1/auth/refresh', { refreshToken: victim.refreshToken })).status,
      ).toBe(401);
    });
  });

  describe('broken object level authorization (BOLA)', () => {
    it("another user's order is 404, their payments and notifications invisible", async () => {
      const peek = await api.get(`/v1/orders/${aliceOrderId}`, bob.token);
      expect(peek.status).toBe(404);
      expect((await api.get(`/v1/payments?orderId=${aliceOrderId}`, bob.token)).body.items).toEqual(
        [],
      );
      expect(
        (await api.get('/v1/orders', bob.token)).body.items.map((o: { id: string }) => o.id),
      ).not.toContain(aliceOrderId);
      const bobsInbox = (await api.get('/v1/notifications', bob.token)).body.items as {
        body: string;
      }[];
      expect(bobsInbox.some((n) => n.body.includes(aliceOrderId))).toBe(false);
    });

    it("another user's account cannot be changed (only admins reach user changes)", async () => {
      const res = await api.call('PATCH', `/v1/auth/admin/users/${alice.userId}`, {
        token: bob.token,
        body: { roles: ['admin'] },
      });
      expect(res.status).toBe(403);
      expect((await api.get('/v1/auth/me', alice.token)).body.roles).toEqual(['customer']);
    });
  });

  describe('broken function level authorization (BFLA)', () => {
    it('a customer calling admin routes is refused', async () => {
      expect((await api.get('/v1/auth/admin/users', bob.token)).status).toBe(403);
      expect((await api.get('/v1/auth/admin/clients', bob.token)).status).toBe(403);
      expect(
        (await api.post('/v1/auth/admin/clients', { name: 'x', scopes: [] }, bob.token)).status,
      ).toBe(403);
    });
  });

  describe('refresh token reuse', () => {
    it('presenting an already used refresh token revokes the whole family', async () => {
      const user = await customer();
      const rotated = await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken });
      expect(rotated.status).toBe(200);
      expect((await api.post('/v1/auth/refresh', { refreshToken: user.refreshToken })).status).toBe(
        401,
      );
      expect(
        (await api.post('/v1/auth/refresh', { refreshToken: rotated.body.refreshToken })).status,
      ).toBe(401);
    });
  });

  describe('mass assignment', () => {
    it('a role on registration is refused', async () => {
      const res = await api.post('/v1/auth/register', {
        email: `m-${randomUUID()}@example.com`,
        password,
        name: 'M',
        roles: ['admin'],
      });
      expect(res.status).toBe(400);
    });

    it('a price or a status on an order is refused', async () => {
      const priced = await api.post(
        '/v1/orders',
        {
          lines: [{ productId: MUG, quantity: 1, unitPrice: { amount: 1, currency: 'EUR' } }],
          paymentMethod: 'pm_card_visa',
        },
        bob.token,
      );
      const status = await api.post(
        '/v1/orders',
        {
          lines: [{ productId: MUG, quantity: 1 }],
          paymentMethod: 'pm_card_visa',
          status: 'paid',
          total: { amount: 0, currency: 'EUR' },
        },
        bob.token,
      );
      expect([priced.status, status.status]).toEqual([400, 400]);
    });
  });

  describe('limits', () => {
    it('a body over the size limit is refused with 413', async () => {
      const res = await api.post(
        '/v1/orders',
        { lines: [], paymentMethod: 'x'.repeat(300 * 1024) },
        bob.token,
      );
      expect(res.status).toBe(413);
      expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
    });

    it('a page size over the maximum is refused', async () => {
      const admin = await customer();
      const auth = platform.processes.find((p) => p.name === 'auth')!;
      await run(process.execPath, ['dist/cli/grant-role.js', admin.email, 'admin'], {
        cwd: auth.cwd,
        env: { ...process.env, DATABASE_URL: auth.database!.url },
      });
      const token = (await api.post('/v1/auth/login', { email: admin.email, password })).body
        .accessToken;
      expect((await api.get('/v1/auth/admin/users?limit=1000', token)).status).toBe(400);
      expect((await api.get('/v1/auth/admin/users?limit=100', token)).status).toBe(200);
    });
  });

  describe('error bodies', () => {
    it('never carry a stack trace or internal detail', async () => {
      const responses = await Promise.all([
        api.call('POST', '/v1/orders', {
          token: bob.token,
          raw: '{"lines": [',
          contentType: 'application/json',
        }),
        api.get('/v1/orders/not-a-uuid', bob.token),
        api.get('/v1/nowhere'),
        api.call('POST', '/v1/auth/login', { raw: 'email=a', contentType: 'text/plain' }),
        api.call('DELETE', '/v1/products'),
      ]);
      for (const res of responses) {
        expect(res.status).toBeGreaterThanOrEqual(400);
        expect(res.status).toBeLessThan(500);
        const text = JSON.stringify(res.body);
        expect(text).not.toMatch(
          /\bat [\w.<>]+ \(|node_modules|\/work\/|\.ts:\d+|127\.0\.0\.1:\d+|prisma|kafka/i,
        );
      }
    });
  });

  describe('documentation', () => {
    it('every public path of the API is in the one OpenAPI document, and internal routes are not reachable', async () => {
      const doc = (await api.get('/docs/json')).body as {
        openapi: string;
        paths: Record<string, object>;
      };
      expect(doc.openapi).toBe('3.1.0');
      const paths = Object.keys(doc.paths);
      for (const expected of [
        '/v1/auth/login',
        '/v1/auth/me',
        '/oauth/token',
        '/v1/products',
        '/v1/orders/{id}',
        '/v1/payments',
        '/v1/notifications',
        '/.well-known/jwks.json',
      ]) {
        expect(paths).toContain(expected);
      }
      for (const internal of [
        '/openapi.json',
        '/v1/orders/../openapi.json',
        '/internal',
        '/v1/admin',
      ]) {
        expect([internal, (await api.get(internal)).status]).toEqual([internal, 404]);
      }
    });
  });

  // Last: it spends the credential routes' per-IP budget of the shared platform's gateway, and
  // gives it back after, for the files that share the platform.
  describe('rate limits', () => {
    afterAll(() => platform.resetRateLimits());

    it('credential routes answer 429 with Retry-After and RateLimit headers once the budget is spent', async () => {
      let limited: ApiResponse | undefined;
      for (let i = 0; i < 400 && !limited; i++) {
        const res = await api.post('/v1/auth/refresh', { refreshToken: 'not-a-real-token' });
        if (res.status === 429) limited = res;
        else expect(res.status).toBe(401);
      }
      expect(limited).toBeDefined();
      expect(Number(limited!.headers.get('retry-after'))).toBeGreaterThan(0);
      expect(limited!.headers.get('ratelimit-policy')).toBe('"credentials";q=300;w=60');
      expect(limited!.headers.get('ratelimit')).toMatch(/^"credentials";r=0;t=\d+$/);
      expect(limited!.body.code).toBe('RATE_LIMITED');
    });
  });
});
