import { undocumentedRoutes } from '@switchyard/service-kit';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Topics } from '@switchyard/contracts';
import { findSchemaDrift } from '@switchyard/db';
import { parseMessage, queryDb, readTopic } from '@switchyard/testing';
import { decodeProtectedHeader, decodeJwt } from 'jose';
import { serviceDir, startAuthService } from '../support.js';

describe('auth service', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  const password = 'correct horse battery staple';

  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const register = (email: string, body: object = {}) =>
    service.app.inject({
      method: 'POST',
      url: '/v1/auth/register',
      payload: { email, password, name: 'Ada', ...body },
    });
  const login = (email: string, pw = password) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/login', payload: { email, password: pw } });
  const refresh = (refreshToken: string) =>
    service.app.inject({ method: 'POST', url: '/v1/auth/refresh', payload: { refreshToken } });
  const freshEmail = () => `user-${randomUUID()}@example.com`;

  it('documents every route it serves in its OpenAPI document', () => {
    expect(service.app.routeInventory.length).toBeGreaterThan(4);
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });

  it('has a migrated database that matches schema.prisma', async () => {
    const drift = await findSchemaDrift({
      schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
      databaseUrl: service.ctx.databaseUrl,
    });
    expect(drift).toEqual([]);
  });

  describe('POST /v1/auth/register', () => {
    it('creates a customer, stores only an argon2id hash, and publishes user.registered', async () => {
      const email = freshEmail();
      const res = await register(email);
      expect(res.statusCode).toBe(201);
      const user = res.json();
      expect(user).toMatchObject({ email, name: 'Ada', roles: ['customer'] });
      expect(res.body).not.toMatch(/argon2|password/i);
      const [row] = await queryDb<{ password_hash: string }>(
        service.ctx.databaseUrl,
        'SELECT password_hash FROM users WHERE id = $1',
        [user.id],
      );
      expect(row!.password_hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);

      const [message] = await readTopic(
        service.ctx.namespace + Topics.users,
        (m) => m.key?.toString() === user.id,
      );
      expect(parseMessage(message!).data).toEqual({ userId: user.id, email, name: 'Ada' });
    });

    it('refuses a role on registration (no mass assignment)', async () => {
      const res = await register(freshEmail(), { roles: ['admin'] });
      expect(res.statusCode).toBe(400);
      expect(res.json().errors[0].path).toBe('body/roles');
    });

    it('refuses a short password and a duplicate email with clear problems', async () => {
      expect((await register(freshEmail(), { password: 'short' })).statusCode).toBe(400);
      const email = freshEmail();
      await register(email);
      const again = await register(email.toUpperCase());
      expect(again.statusCode).toBe(409);
      expect(again.json().code).toBe('CONFLICT');
    });
  });

  describe('POST /v1/auth/login', () => {
    it('issues an ES256 access token with kid, typ, iss, aud, exp and a refresh token', async () => {
      const email = freshEmail();
      await register(email);
      const res = await login(email);
      expect(res.statusCode).toBe(200);
      const { accessToken, refreshToken, expiresIn, tokenType } = res.json();
      expect(tokenType).toBe('Bearer');
      expect(expiresIn).toBe(900);
      expect(refreshToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
      const header = decodeProtectedHeader(accessToken);
      expect(header).toMatchObject({ alg: 'ES256', typ: 'at+jwt' });
      const jwks = (await service.app.inject({ url: '/.well-known/jwks.json' })).json();
      expect(jwks.keys.map((k: { kid: string }) => k.kid)).toContain(header.kid);
      expect(JSON.stringify(jwks)).not.toMatch(/"d":/);
      const claims = decodeJwt(accessToken);
      expect(claims).toMatchObject({
        iss: 'switchyard-auth',
        aud: 'switchyard-api',
        roles: ['customer'],
      });
      expect(claims.jti).toBeDefined();
    });

    it('answers an unknown email and a wrong password identically', async () => {
      const email = freshEmail();
      await register(email);
      const wrong = await login(email, 'not the password at all');
      const unknown = await login(freshEmail());
      expect(wrong.statusCode).toBe(401);
      expect(unknown.statusCode).toBe(401);
      const strip = (b: Record<string, unknown>) => ({ ...b, requestId: undefined });
      expect(strip(wrong.json())).toEqual(strip(unknown.json()));
    });
  });

  describe('GET /v1/auth/me', () => {
    it('returns the caller, verified against the published keys', async () => {
      const email = freshEmail();
      await register(email);
      const { accessToken } = (await login(email)).json();
      const me = await service.app.inject({
        url: '/v1/auth/me',
        headers: { authorization: `Bearer ${accessToken}` },
      });
      expect(me.statusCode).toBe(200);
      expect(me.json().email).toBe(email);
      expect((await service.app.inject({ url: '/v1/auth/me' })).statusCode).toBe(401);
    });
  });

  describe('POST /v1/auth/refresh', () => {
    it('rotates the refresh token, and reuse of an old one revokes the whole family', async () => {
      const email = freshEmail();
      await register(email);
      const first = (await login(email)).json().refreshToken;
      const second = await refresh(first);
      expect(second.statusCode).toBe(200);
      const secondToken = second.json().refreshToken;
      expect(secondToken).not.toBe(first);

      const reuse = await refresh(first);
      expect(reuse.statusCode).toBe(401);
      // The legitimate newest token dies with its family.
      expect((await refresh(secondToken)).statusCode).toBe(401);
    });

    it('lets exactly one of two concurrent refreshes with one token succeed', async () => {
      const email = freshEmail();
      await register(email);
      const token = (await login(email)).json().refreshToken;
      const results = await Promise.all([refresh(token), refresh(token)]);
      expect(results.map((r) => r.statusCode).sort()).toEqual([200, 401]);
    });

    it('logout revokes the family', async () => {
      const email = freshEmail();
      await register(email);
      const token = (await login(email)).json().refreshToken;
      const out = await service.app.inject({
        method: 'POST',
        url: '/v1/auth/logout',
        payload: { refreshToken: token },
      });
      expect(out.statusCode).toBe(204);
      expect((await refresh(token)).statusCode).toBe(401);
    });
  });
});
