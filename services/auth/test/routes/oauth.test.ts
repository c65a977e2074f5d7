import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import { SecretBox } from '@switchyard/service-kit';
import { startAuthService, TEST_SIGNING_KEY_SEALING_KEY } from '../support.js';
import { signUp } from '../support-users.js';
import { rotateSigningKey } from '../../src/keys/rotate-signing-key.js';

describe('OAuth 2.0 token endpoint and RFC 8414 metadata', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  beforeAll(async () => {
    service = await startAuthService();
  });
  afterAll(() => service.close());

  const form = (fields: Record<string, string>, headers: Record<string, string> = {}) =>
    service.app.inject({
      method: 'POST',
      url: '/oauth/token',
      headers: { 'content-type': 'application/x-www-form-urlencoded', ...headers },
      payload: new URLSearchParams(fields).toString(),
    });

  async function registerClient(scopes: string[]) {
    const admin = await signUp(service.app, service.ctx.databaseUrl, { admin: true });
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/admin/clients',
      headers: { authorization: `Bearer ${admin.accessToken}` },
      payload: { name: 'warehouse integration', scopes },
    });
    expect(res.statusCode).toBe(201);
    return res.json() as { clientId: string; clientSecret: string };
  }
  const basic = (id: string, secret: string) => ({
    authorization: `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`,
  });

  it('grants a registered machine client a scoped token, and no refresh token', async () => {
    const client = await registerClient(['orders:read', 'payments:read']);
    const res = await form(
      { grant_type: 'client_credentials', scope: 'orders:read' },
      basic(client.clientId, client.clientSecret),
    );
    expect(res.statusCode).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    const body = res.json();
    expect(body).toMatchObject({ token_type: 'Bearer', expires_in: 900, scope: 'orders:read' });
    expect(body.refresh_token).toBeUndefined();
    const jwks = (await service.app.inject({ url: '/.well-known/jwks.json' })).json();
    const { payload } = await jwtVerify(body.access_token, createLocalJWKSet(jwks), {
      issuer: 'switchyard-auth',
      audience: 'switchyard-api',
    });
    expect(payload).toMatchObject({
      sub: client.clientId,
      client_id: client.clientId,
      scope: 'orders:read',
      roles: [],
    });

    // Client secret in the form body works too (client_secret_post).
    const post = await form({
      grant_type: 'client_credentials',
      client_id: client.clientId,
      client_secret: client.clientSecret,
    });
    expect(post.json().scope).toBe('orders:read payments:read');
  });

  it('answers with RFC 6749 error bodies', async () => {
    const client = await registerClient(['orders:read']);
    const wrong = await form(
      { grant_type: 'client_credentials' },
      basic(client.clientId, 'sec_wrong'),
    );
    expect(wrong.statusCode).toBe(401);
    expect(wrong.json()).toEqual({
      error: 'invalid_client',
      error_description: expect.any(String),
    });
    expect(wrong.headers['www-authenticate']).toMatch(/^Basic/);
    const scope = await form(
      { grant_type: 'client_credentials', scope: 'catalog:write' },
      basic(client.clientId, client.clientSecret),
    );
    expect(scope.json().error).toBe('invalid_scope');
    expect(
      (await form({ grant_type: 'password', username: 'a', password: 'b' })).json().error,
    ).toBe('unsupported_grant_type');
    expect((await form({ grant_type: 'refresh_token' })).json().error).toBe('invalid_request');
  });

  it('refuses a NUL in any parameter as invalid_request, never a 500', async () => {
    // Found by the long fuzz run: client_id=%00 reached the database and answered 500.
    const cases: Record<string, string>[] = [
      { grant_type: 'client_credentials', client_id: '\u0000', client_secret: 'x' },
      { grant_type: 'x', client_id: 'a', client_secret: 's\u0000' },
      { grant_type: 'refresh_token', client_id: 'a', refresh_token: '\u0000' },
      { grant_type: 'client_credentials\u0000' },
    ];
    for (const fields of cases) {
      const res = await form(fields);
      expect(res.statusCode).toBe(400);
      expect(res.json().error).toBe('invalid_request');
    }
  });

  it('refuses a NUL in Basic credentials as invalid_client, never a 500', async () => {
    // An escaped NUL (%00) in the Basic credentials decoded to a NUL that reached the database.
    for (const [id, secret] of [
      ['cli_%00x', 'secret'],
      ['cli_x', 'sec_%00'],
    ]) {
      const res = await service.app.inject({
        method: 'POST',
        url: '/oauth/token',
        headers: { 'content-type': 'application/x-www-form-urlencoded', ...basic(id!, secret!) },
        payload: 'grant_type=client_credentials',
      });
      expect(res.statusCode).toBe(401);
      expect(res.json().error).toBe('invalid_client');
    }
  });

  it('rotates a refresh token for its own client only', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const stolen = await form({
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
      client_id: 'cli_other',
    });
    expect(stolen.json().error).toBe('invalid_grant');
    const ok = await form({
      grant_type: 'refresh_token',
      refresh_token: user.refreshToken,
      client_id: 'switchyard-web',
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().refresh_token).toEqual(expect.any(String));
  });

  it('publishes RFC 8414 metadata pointing at its JWKS and token endpoint', async () => {
    const res = await service.app.inject({ url: '/.well-known/oauth-authorization-server' });
    expect(res.json()).toEqual({
      issuer: 'switchyard-auth',
      jwks_uri: 'switchyard-auth/.well-known/jwks.json',
      token_endpoint: 'switchyard-auth/oauth/token',
      grant_types_supported: ['refresh_token', 'client_credentials'],
      token_endpoint_auth_methods_supported: ['client_secret_basic', 'client_secret_post', 'none'],
      response_types_supported: [],
      scopes_supported: expect.arrayContaining(['orders:read']),
      service_documentation: 'switchyard-auth/docs',
    });
    // No *_jwt client authentication, so no signing algorithms advertised for it.
    expect(res.json()).not.toHaveProperty('token_endpoint_auth_signing_alg_values_supported');
    expect(
      (await service.app.inject({ url: '/.well-known/openid-configuration' })).statusCode,
    ).toBe(404);
  });

  it('rotates signing keys: the new key is published first, signs once active, old tokens stay valid', async () => {
    const user = await signUp(service.app, service.ctx.databaseUrl);
    const oldKid = decodeProtectedHeader(user.accessToken).kid;
    const rotation = await rotateSigningKey(service.app.db, {
      activationDelaySeconds: 0,
      accessTokenTtlSeconds: 900,
      sealing: new SecretBox(TEST_SIGNING_KEY_SEALING_KEY),
      by: { actor: { type: 'system', id: 'cli:test' } },
    });
    await service.app.keys.load();
    const jwks = (await service.app.inject({ url: '/.well-known/jwks.json' })).json();
    expect(jwks.keys.map((k: { kid: string }) => k.kid)).toEqual(
      expect.arrayContaining([oldKid, rotation.kid]),
    );
    const relogin = await service.app.inject({
      method: 'POST',
      url: '/v1/auth/login',
      payload: { email: user.email, password: 'correct horse battery staple' },
    });
    expect(decodeProtectedHeader(relogin.json().accessToken).kid).toBe(rotation.kid);
    const me = await service.app.inject({
      url: '/v1/auth/me',
      headers: { authorization: `Bearer ${user.accessToken}` },
    });
    expect(me.statusCode).toBe(200);

    // Once the new key has signed for longer than a token lives, the next rotation retires the old one.
    const later = new Date(Date.now() + 901_000);
    const next = await rotateSigningKey(service.app.db, {
      activationDelaySeconds: 60,
      accessTokenTtlSeconds: 900,
      sealing: new SecretBox(TEST_SIGNING_KEY_SEALING_KEY),
      by: { actor: { type: 'system', id: 'cli:test' } },
      now: later,
    });
    expect(next.retired).toContain(oldKid);
    expect(next.retired).not.toContain(rotation.kid);
  });
});
