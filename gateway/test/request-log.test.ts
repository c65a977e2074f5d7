import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

/**
 * The gateway routes and forwards the normalised request target (request-target.ts); its request
 * log names that, and also what the client sent when the two differ, so an attempt such as
 * `/v1/auth/logi%6E` stays visible to whoever reads the log.
 */
describe('gateway: the request log', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let base: string;
  const lines: Record<string, any>[] = [];

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      req.resume().on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
      });
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, baseUrl: base } = await startTestGateway(
      jwks,
      url,
      { LOG_LEVEL: 'info' },
      { logStream: { write: (line: string) => void lines.push(JSON.parse(line)) } },
    ));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
  });

  /** The one line of the request the gateway answered with this request id. */
  const incoming = async (path: string) => (await linesOf(path))[0]?.req;

  /** Every line the gateway wrote about one request. */
  const linesOf = async (path: string) => {
    const res = await fetch(base + path, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{}',
    });
    await res.text();
    const id = res.headers.get('x-request-id');
    await new Promise((resolve) => setImmediate(resolve));
    return lines.filter((l) => l.reqId === id);
  };

  it('writes one line per proxied request, at info, with what was asked and answered', async () => {
    const written = await linesOf('/v1/auth/login');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({
      level: 30,
      msg: 'request completed',
      req: { method: 'POST', url: '/v1/auth/login' },
      res: { statusCode: 200 },
    });
    expect(written[0]!.responseTime).toEqual(expect.any(Number));
  });

  it('writes one line for a route that is not found', async () => {
    const written = await linesOf('/no-such-route');
    expect(written).toHaveLength(1);
    expect(written[0]).toMatchObject({ req: { url: '/no-such-route' }, res: { statusCode: 404 } });
  });

  it('logs the path it routes, and the path as sent when it was rewritten', async () => {
    expect(await incoming('/v1/auth/logi%6E')).toMatchObject({
      method: 'POST',
      url: '/v1/auth/login',
      originalUrl: '/v1/auth/logi%6E',
    });
    expect(await incoming('/v1/auth/password-rese%74?x=1')).toMatchObject({
      url: '/v1/auth/password-reset?x=1',
      originalUrl: '/v1/auth/password-rese%74?x=1',
    });
  });

  it('logs one url when nothing was rewritten', async () => {
    const req = await incoming('/v1/auth/login');
    expect(req).toMatchObject({ method: 'POST', url: '/v1/auth/login' });
    expect(req).not.toHaveProperty('originalUrl');
  });
});
