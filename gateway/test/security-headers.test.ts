import helmet from '@fastify/helmet';
import Fastify from 'fastify';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { SECURITY_HEADER_OPTIONS } from '../src/plugins/security-headers.js';
import { startTestGateway } from './support.js';

/** The headers @fastify/helmet sets with the gateway's options, on a bare Fastify app. */
async function helmetHeaders(): Promise<Record<string, string>> {
  const app = Fastify();
  // (Its own copy of helmet's types: the options are the same object.)
  await app.register(helmet, SECURITY_HEADER_OPTIONS as Parameters<typeof helmet>[1]);
  app.get('/', async () => ({}));
  const res = await app.inject({ url: '/' });
  await app.close();
  const ignored = new Set(['content-type', 'content-length', 'date', 'connection', 'keep-alive']);
  return Object.fromEntries(
    Object.entries(res.headers)
      .filter(([name]) => !ignored.has(name))
      .map(([name, value]) => [name, String(value)]),
  );
}

/**
 * The gateway sets helmet's headers from one object computed at start (security-headers.ts)
 * instead of running helmet on every request: the same headers, name for name and byte for byte.
 */
describe('gateway: security headers', () => {
  let gateway: App;
  let jwks: JwksServer;

  beforeAll(async () => {
    jwks = await startJwksServer();
    ({ gateway } = await startTestGateway(jwks, 'http://127.0.0.1:9'));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
  });

  it('sends exactly the headers @fastify/helmet would, on its own routes, refusals and misses', async () => {
    const expected = await helmetHeaders();
    expect(Object.keys(expected).length).toBeGreaterThan(8);
    for (const url of ['/healthz', '/v1/orders', '/no-such-route']) {
      const res = await gateway.inject({ url });
      for (const [name, value] of Object.entries(expected)) {
        expect([url, name, res.headers[name]]).toEqual([url, name, value]);
      }
    }
  });
});
