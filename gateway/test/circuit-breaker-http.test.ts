import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, waitFor, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

/** The gateway's circuit breakers against a real upstream whose behaviour the test steers. */
describe('gateway circuit breaker over HTTP', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let mode: 'ok' | 'unavailable' | 'hang' | 'crash-on-input' = 'ok';
  let base: string;
  let authorization: string;

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      if (mode === 'hang') return; // like a stream that never sends its headers
      if (mode === 'unavailable') return void res.writeHead(503).end();
      if (mode === 'crash-on-input' && req.url?.includes('boom'))
        return void res.writeHead(500, { 'content-type': 'application/problem+json' }).end('{}');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"items":[]}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, baseUrl: base } = await startTestGateway(jwks, url, {
      CIRCUIT_FAILURE_THRESHOLD: '2',
      CIRCUIT_OPEN_MS: '300',
      UPSTREAM_TIMEOUT_MS: '2000',
    }));
    authorization = `Bearer ${await jwks.sign({ userId: randomUUID() })}`;
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.closeAllConnections();
    upstream.close();
  });

  const get = (path: string, signal?: AbortSignal) =>
    fetch(base + path, { headers: { authorization }, signal }).then((r) => r.status);

  it('does not stay half-open when the trial request is abandoned by its client', async () => {
    mode = 'unavailable';
    expect(await get('/v1/notifications')).toBe(503);
    expect(await get('/v1/notifications')).toBe(503);
    mode = 'ok';
    expect(await get('/v1/notifications')).toBe(503); // open: refused at the gateway
    await new Promise((resolve) => setTimeout(resolve, 350));
    // The trial: a stream whose client goes away before anything arrives (an SSE reconnect).
    mode = 'hang';
    await get('/v1/notifications', AbortSignal.timeout(150)).catch(() => 'aborted');
    mode = 'ok';
    await waitFor(async () => (await get('/v1/notifications')) === 200, {
      timeoutMs: 5_000,
      what: 'the circuit to close again',
    });
  });

  it('is not opened by upstream 500s that requests provoke themselves', async () => {
    mode = 'crash-on-input';
    for (let i = 0; i < 5; i++) expect(await get('/v1/notifications/boom')).toBe(500);
    expect(await get('/v1/notifications')).toBe(200);
  });
});
