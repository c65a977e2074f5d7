import { Type } from '@sinclair/typebox';
import { exportJWK, generateKeyPair, SignJWT, createLocalJWKSet } from 'jose';
import {
  AppError,
  assertScope,
  createApp,
  identityOf,
  jwtAuth,
  undocumentedRoutes,
  type App,
} from '../src/index.js';

async function buildTestApp(): Promise<{
  app: App;
  sign: (claims?: object, header?: object) => Promise<string>;
}> {
  const { privateKey, publicKey } = await generateKeyPair('ES256');
  const jwk = { ...(await exportJWK(publicKey)), kid: 'k1', alg: 'ES256' };
  const app = await createApp({ service: 'test', logLevel: 'silent', bodyLimit: 1024 });
  await app.register(jwtAuth, {
    issuer: 'iss',
    audience: 'aud',
    keys: createLocalJWKSet({ keys: [jwk] }),
  });
  app.post(
    '/things',
    {
      schema: {
        body: Type.Object({ name: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      },
    },
    async (request) => ({ got: request.body }),
  );
  app.get('/boom', async () => {
    throw new Error('secret internal detail');
  });
  app.get('/conflict', async () => {
    throw new AppError('CONFLICT', 'already there');
  });
  app.get('/me', { onRequest: [app.authenticate] }, async (request) => identityOf(request));
  app.get('/scoped', { onRequest: [app.authenticate] }, async (request) => {
    assertScope(identityOf(request), 'orders:read');
    return {};
  });
  const sign = (claims: object = {}, header: object = {}) =>
    new SignJWT({ roles: ['customer'], ...claims })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt', ...header })
      .setSubject('user-1')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  return { app, sign };
}

describe('createApp', () => {
  let app: App;
  let sign: Awaited<ReturnType<typeof buildTestApp>>['sign'];
  beforeAll(async () => ({ app, sign } = await buildTestApp()));
  afterAll(() => app.close());

  it('rejects unknown properties with a 400 problem naming the property', async () => {
    const res = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', role: 'admin' },
    });
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.json()).toMatchObject({ code: 'VALIDATION_FAILED', status: 400 });
    expect(res.json().errors[0].path).toBe('body/role');
  });

  it('answers malformed JSON and oversized bodies with 4xx problems', async () => {
    const bad = await app.inject({
      method: 'POST',
      url: '/things',
      headers: { 'content-type': 'application/json' },
      payload: '{nope',
    });
    expect(bad.statusCode).toBe(400);
    expect(bad.json().code).toBe('BAD_REQUEST');
    const big = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x'.repeat(5000) },
    });
    expect(big.statusCode).toBe(413);
    expect(big.json().code).toBe('PAYLOAD_TOO_LARGE');
  });

  it('hides internal details of a 500', async () => {
    const res = await app.inject({ method: 'GET', url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.body).not.toContain('secret internal detail');
    expect(res.json()).toMatchObject({ code: 'INTERNAL', title: 'Internal error' });
  });

  it('maps AppError codes to their status', async () => {
    const res = await app.inject({ method: 'GET', url: '/conflict' });
    expect(res.statusCode).toBe(409);
    expect(res.json()).toMatchObject({ code: 'CONFLICT', detail: 'already there' });
  });

  it('answers unknown routes with a 404 problem and echoes a request id', async () => {
    const res = await app.inject({
      method: 'GET',
      url: '/nowhere',
      headers: { 'x-request-id': 'abc-123' },
    });
    expect(res.statusCode).toBe(404);
    expect(res.headers['x-request-id']).toBe('abc-123');
    expect(res.json().requestId).toBe('abc-123');
  });

  it('serves /healthz, /readyz and /metrics', async () => {
    expect((await app.inject({ url: '/healthz' })).json()).toEqual({ status: 'ok' });
    expect((await app.inject({ url: '/readyz' })).statusCode).toBe(200);
    const metrics = await app.inject({ url: '/metrics' });
    expect(metrics.body).toContain('http_server_request_duration_seconds');
  });

  it('authenticates a valid access token and rejects others', async () => {
    const ok = await app.inject({
      url: '/me',
      headers: { authorization: `Bearer ${await sign()}` },
    });
    expect(ok.statusCode).toBe(200);
    expect(ok.json()).toEqual({ userId: 'user-1', roles: ['customer'], scopes: [] });
    expect((await app.inject({ url: '/me' })).statusCode).toBe(401);
    const wrongType = await sign({}, { typ: 'JWT' });
    expect(
      (await app.inject({ url: '/me', headers: { authorization: `Bearer ${wrongType}` } }))
        .statusCode,
    ).toBe(401);
    const unknownKid = await sign({}, { kid: 'other' });
    expect(
      (await app.inject({ url: '/me', headers: { authorization: `Bearer ${unknownKid}` } }))
        .statusCode,
    ).toBe(401);
  });
});

describe('HTTP semantics', () => {
  let app: App;
  let sign: Awaited<ReturnType<typeof buildTestApp>>['sign'];
  beforeAll(async () => {
    ({ app, sign } = await buildTestApp());
  });
  afterAll(() => app.close());

  it('challenges a request without a token with a bare Bearer challenge (RFC 6750 §3.1)', async () => {
    const res = await app.inject({ url: '/me' });
    expect(res.statusCode).toBe(401);
    expect(res.headers['www-authenticate']).toBe('Bearer realm="switchyard"');
  });

  it('names invalid_token for a token it refuses', async () => {
    const notAnAccessToken = await sign({}, { typ: 'JWT' });
    for (const token of ['garbage', notAnAccessToken]) {
      const res = await app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } });
      expect(res.statusCode).toBe(401);
      expect(res.headers['www-authenticate']).toMatch(
        /^Bearer realm="switchyard", error="invalid_token", error_description="[^"]+"$/,
      );
    }
  });

  it('names insufficient_scope on a 403 for a missing scope', async () => {
    const token = await sign({ client_id: 'shop', scope: 'payments:read' });
    const res = await app.inject({ url: '/scoped', headers: { authorization: `Bearer ${token}` } });
    expect(res.statusCode).toBe(403);
    expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
  });

  it('answers a known path with an unsupported method 405 and an Allow header', async () => {
    const res = await app.inject({ method: 'DELETE', url: '/things' });
    expect(res.statusCode).toBe(405);
    expect(res.headers.allow).toBe('POST');
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json()).toMatchObject({ code: 'METHOD_NOT_ALLOWED' });
    const get = await app.inject({ method: 'PUT', url: '/conflict?x=1' });
    expect(get.headers.allow).toBe('GET, HEAD');
    expect((await app.inject({ method: 'GET', url: '/nowhere' })).statusCode).toBe(404);
  });

  it('gives a 500 a detail that is safe to show', async () => {
    const res = await app.inject({ url: '/boom' });
    expect(res.statusCode).toBe(500);
    expect(res.json().detail).toMatch(/retry later or quote requestId \S+ to support/);
    expect(res.json().detail).not.toContain('secret');
  });
});

describe('undocumentedRoutes', () => {
  it('lists routes missing from the OpenAPI document, but not the infrastructure ones', async () => {
    const app = await createApp({ service: 'docs-test', logLevel: 'silent' });
    app.get('/v1/documented', { schema: { response: { 200: Type.Object({}) } } }, async () => ({}));
    app.get('/v1/secret', { schema: { hide: true } }, async () => ({}));
    await app.ready();
    expect(undocumentedRoutes(app)).toEqual(['GET /v1/secret (hidden)']);
    await app.close();
  });
});
