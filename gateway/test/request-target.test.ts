import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import { randomUUID } from 'node:crypto';
import { Redis } from 'ioredis';
import { markDisabled, type App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

/** Send a request line exactly as written (fetch and inject would normalise it first). */
function rawRequest(port: number, target: string, headers: Record<string, string> = {}) {
  return new Promise<{ status: number; contentType: string; body: string }>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (chunk) => (data += chunk.toString()));
    socket.on('error', reject);
    socket.on('end', () => {
      const [head = '', body = ''] = data.split('\r\n\r\n');
      resolve({
        status: Number(head.split(' ')[1]),
        contentType: /content-type: ([^\r\n]*)/i.exec(head)?.[1] ?? '',
        body,
      });
    });
    const lines = Object.entries({ host: 'localhost', connection: 'close', ...headers }).map(
      ([k, v]) => `${k}: ${v}`,
    );
    socket.write(`GET ${target} HTTP/1.1\r\n${lines.join('\r\n')}\r\n\r\n`);
  });
}

describe('gateway: the request target decides nothing it does not understand', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  const reached: string[] = [];
  let port: number;

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => {
      reached.push(req.url ?? '');
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"ok":true}');
    });
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, port } = await startTestGateway(jwks, url));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
  });

  it.each([
    '/v1/orders#x',
    '/v1/orders/%2e%2e/x',
    '/v1/products/..%2F..%2Fv1%2Forders',
    '/v1/products/%2e%2e/orders',
    '/v1/products/../orders',
    '/v1/products/./../orders',
    '//v1/orders',
    '/v1//orders',
    '/v1/orders;jsessionid=1',
    '/v1/products;x/../orders',
    '/v1/products\\..\\orders',
  ])('refuses %s with 400 problem+json, and nothing reaches a service', async (target) => {
    const before = reached.length;
    const res = await rawRequest(port, target);
    expect(res.status).toBe(400);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    expect(reached.length).toBe(before);
  });

  it.each([
    '/v1/orders',
    '/v1/orders/',
    '/v1/ORDERS',
    '/V1/orders',
    '/v1/orders/123',
    '/v1/admin/orders',
  ])('needs a token for %s (deny by default: not a public route)', async (target) => {
    const before = reached.length;
    const res = await rawRequest(port, target);
    expect([401, 404]).toContain(res.status);
    expect(res.contentType).toMatch(/application\/problem\+json/);
    expect(reached.length).toBe(before);
  });

  it('lets the public routes through without a token, exactly as listed', async () => {
    expect((await rawRequest(port, '/v1/products')).status).toBe(200);
    expect((await rawRequest(port, '/v1/products/abc?x=%2F')).status).toBe(200);
    expect((await rawRequest(port, '/.well-known/jwks.json')).status).toBe(200);
    expect((await rawRequest(port, '/healthz')).status).toBe(200);
  });

  it.each(['/v1/%6Frders', '/v1/orders/%61bc', '/v1/%61dmin/orders', '/v1/%41DMIN/orders'])(
    'needs a token for %s, an escaped spelling of a protected path',
    async (target) => {
      const before = reached.length;
      const res = await rawRequest(port, target);
      expect([401, 404]).toContain(res.status);
      expect(reached.length).toBe(before);
    },
  );

  it('forwards the normalised path it decided on: unreserved characters decoded, hex upper-case', async () => {
    const res = await rawRequest(port, '/v1/product%73/%61b%7e%c3%a9?q=%6e');
    expect(res.status).toBe(200);
    expect(reached.at(-1)).toBe('/v1/products/ab~%C3%A9?q=%6e');
  });

  it('refuses a disabled user whatever the spelling of the path', async () => {
    const userId = randomUUID();
    const redis = new Redis('redis://127.0.0.1:6379');
    await markDisabled(redis, userId, 60); // as auth does: the entry and its message
    await redis.quit();
    const authorization = `Bearer ${await jwks.sign({ userId })}`;
    for (const target of ['/v1/orders', '/v1/orders#x', '/v1/orders/', '/v1/order%73']) {
      const res = await rawRequest(port, target, { authorization });
      expect([400, 401]).toContain(res.status);
    }
  });
});
