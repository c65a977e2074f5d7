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
  const hung: string[] = [];
  let base: string;
  let authorization: string;

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      if (mode === 'hang') return void hung.push(`${req.method} ${req.url}`); // never answers
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
      // Far longer than any wait below: the trial timeout must never be what frees the slot.
      UPSTREAM_TIMEOUT_MS: '60000',
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

  /** Two 503s open the circuit; after CIRCUIT_OPEN_MS it lets one trial through. */
  async function openCircuit(): Promise<void> {
    mode = 'unavailable';
    expect(await get('/v1/notifications')).toBe(503);
    expect(await get('/v1/notifications')).toBe(503);
    mode = 'ok';
    expect(await get('/v1/notifications')).toBe(503); // open: refused at the gateway
    await new Promise((resolve) => setTimeout(resolve, 350));
  }

  /** The trial reaches the upstream, which never answers; then its client goes away. */
  async function abandonedTrial(init: RequestInit): Promise<void> {
    mode = 'hang';
    const before = hung.length;
    const client = new AbortController();
    const trial = fetch(base + '/v1/notifications', {
      ...init,
      headers: { authorization, ...init.headers },
      signal: client.signal,
    }).catch(() => 'aborted');
    await waitFor(async () => hung.length > before, { what: 'the trial to reach the upstream' });
    client.abort();
    await trial;
    mode = 'ok';
  }

  it('does not stay half-open when the trial request is abandoned by its client', async () => {
    await openCircuit();
    // The trial: a stream whose client goes away before anything arrives (an SSE reconnect).
    await abandonedTrial({});
    await waitFor(async () => (await get('/v1/notifications')) === 200, {
      timeoutMs: 5_000,
      what: 'the circuit to close again',
    });
  });

  it('frees the half-open slot when an abandoned trial had a body (POST)', async () => {
    await openCircuit();
    // Node has emitted the request's 'close' once its body was read: only the response's tells.
    await abandonedTrial({
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ url: 'https://example.com/hook' }),
    });
    await waitFor(async () => (await get('/v1/notifications')) === 200, {
      timeoutMs: 5_000,
      what: 'the circuit to close again after an abandoned POST trial',
    });
  });

  it('closes the circuit when a POST trial succeeds', async () => {
    await openCircuit();
    const res = await fetch(base + '/v1/notifications', {
      method: 'POST',
      headers: { authorization, 'content-type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(200);
    expect(await get('/v1/notifications')).toBe(200);
  });

  it('is not opened by upstream 500s that requests provoke themselves', async () => {
    mode = 'crash-on-input';
    for (let i = 0; i < 5; i++) expect(await get('/v1/notifications/boom')).toBe(500);
    expect(await get('/v1/notifications')).toBe(200);
  });
});
