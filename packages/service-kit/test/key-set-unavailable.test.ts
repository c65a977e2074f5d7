import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { generateKeyPair, SignJWT } from 'jose';
import { createApp, identityOf, jwtAuth, type App } from '../src/index.js';

/**
 * A token is the client's to get right; the key set is ours. When the JWKS endpoint answers
 * anything but a key set (a 503 while auth restarts, a proxy's HTML page, a closed port), the
 * client must hear 503 "try again", never 401 "your token is bad": a 401 tells a client to
 * throw its token away and sign in again.
 */
describe('token verification while the key set is unavailable', () => {
  let jwks: Server;
  let answer: (res: ServerResponse) => void;
  let app: App;
  let token: string;

  beforeAll(async () => {
    jwks = createServer((_req, res) => answer(res));
    await new Promise<void>((resolve) => jwks.listen(0, '127.0.0.1', resolve));
    const { port } = jwks.address() as AddressInfo;
    app = await createApp({ service: 'test', logLevel: 'silent' });
    await app.register(jwtAuth, {
      issuer: 'iss',
      audience: 'aud',
      jwksUrl: `http://127.0.0.1:${port}/.well-known/jwks.json`,
      jwksCooldownMs: 100,
    });
    app.get('/me', { onRequest: [app.authenticate] }, async (request) => identityOf(request));
    const { privateKey } = await generateKeyPair('ES256');
    token = await new SignJWT({ roles: ['customer'] })
      .setProtectedHeader({ alg: 'ES256', kid: 'k1', typ: 'at+jwt' })
      .setSubject('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0099')
      .setIssuer('iss')
      .setAudience('aud')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
  });
  afterAll(async () => {
    await app.close();
    await new Promise((resolve) => jwks.close(resolve));
  });

  const me = () => app.inject({ url: '/me', headers: { authorization: `Bearer ${token}` } });

  it.each([
    ['answers 503', (res: ServerResponse) => res.writeHead(503, { 'retry-after': '1' }).end()],
    ['answers 429', (res: ServerResponse) => res.writeHead(429, { 'retry-after': '1' }).end()],
    [
      'answers an HTML page',
      (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'text/html' }).end('<html>maintenance</html>'),
    ],
    [
      'answers JSON that is not a key set',
      (res: ServerResponse) =>
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"keys":"none"}'),
    ],
  ])('answers 503 problem+json, not 401, when the JWKS endpoint %s', async (_what, respond) => {
    answer = respond;
    const res = await me();
    expect({ status: res.statusCode, type: res.headers['content-type'] }).toEqual({
      status: 503,
      type: expect.stringContaining('application/problem+json'),
    });
    expect(res.json().code).toBe('UNAVAILABLE');
    expect(res.headers['retry-after']).toBeDefined();
  });
});
