// Hostile input through the real gateway: every answer is a 4xx problem+json carrying the
// request id, never a 5xx, and nothing is changed by a request that was refused.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { promisify } from 'node:util';
import { sharedPlatform, waitFor, type SharedPlatform } from '@switchyard/testing';
import { apiClient, type ApiResponse } from './client.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const password = 'a long enough passphrase';
const run = promisify(execFile);
const NUL = '\u0000';
let skus = 0;
/** A SKU the catalog accepts, so a refusal is for the field under test. */
const validSku = () => `H${Date.now()}-${++skus}`;

/** A raw HTTP/1.1 exchange, for what fetch refuses to send. */
function raw(port: number, request: string) {
  return new Promise<{ status: number; headers: string; body: string }>((resolve, reject) => {
    const socket = net.connect(port, '127.0.0.1');
    let data = '';
    socket.on('data', (c) => (data += c.toString()));
    socket.on('error', reject);
    socket.on('end', () => {
      const at = data.indexOf('\r\n\r\n');
      const headers = data.slice(0, at);
      resolve({ status: Number(headers.split(' ')[1]), headers, body: data.slice(at + 4) });
    });
    socket.write(request);
  });
}

describe('hostile input through the gateway', () => {
  let platform: SharedPlatform;
  let api: ReturnType<typeof apiClient>;
  let gatewayPort: number;
  let customer: { token: string; userId: string };
  let admin: string;
  let paymentId: string;

  async function signUp() {
    const email = `hostile-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name: 'Hal' });
    const login = await api.post('/v1/auth/login', { email, password });
    return { email, userId: registered.body.id as string, token: login.body.accessToken as string };
  }

  beforeAll(async () => {
    platform = sharedPlatform();
    api = apiClient(platform.gatewayUrl);
    gatewayPort = Number(new URL(platform.gatewayUrl).port);
    customer = await signUp();
    const boss = await signUp();
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    admin = (await api.post('/v1/auth/login', { email: boss.email, password })).body.accessToken;
    const order = await api.post(
      '/v1/orders',
      { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      customer.token,
    );
    const payment = await waitFor(
      async () => {
        const res = await api.get(`/v1/payments?orderId=${order.body.id}`, customer.token);
        return res.body.items?.[0]?.status === 'succeeded' ? res.body.items[0] : undefined;
      },
      { what: 'the order paid' },
    );
    paymentId = payment.id;
  }, 180_000);

  const expectProblem = (res: ApiResponse, status: number) => {
    expect({ status: res.status, body: res.body }).toMatchObject({ status });
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body.requestId).toEqual(expect.any(String));
  };

  describe('NUL bytes in any string field', () => {
    it.each([
      [
        'register name',
        () =>
          api.post('/v1/auth/register', {
            email: `n${randomUUID()}@example.com`,
            password,
            name: `a${NUL}b`,
          }),
      ],
      [
        'register email',
        () => api.post('/v1/auth/register', { email: `a${NUL}@example.com`, password, name: 'x' }),
      ],
      ['login email', () => api.post('/v1/auth/login', { email: `a${NUL}@example.com`, password })],
      [
        'product sku',
        () =>
          api.post(
            '/v1/products',
            { sku: `S${NUL}`, name: 'x', price: { amount: 100, currency: 'EUR' }, stock: 1 },
            admin,
          ),
      ],
      [
        'payment method',
        () =>
          api.post(
            '/v1/orders',
            { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: `pm${NUL}` },
            customer.token,
          ),
      ],
      [
        'webhook url',
        () =>
          api.post(
            '/v1/webhooks/endpoints',
            { url: `https://example.com/${NUL}`, eventTypes: ['order.paid'] },
            customer.token,
          ),
      ],
      ['cursor', () => api.get(`/v1/orders?cursor=${encodeURIComponent(NUL)}`, customer.token)],
      [
        'notifications cursor',
        () => api.get(`/v1/notifications?cursor=a${encodeURIComponent(NUL)}b`, customer.token),
      ],
      [
        'refund reason',
        () =>
          api.call('POST', `/v1/admin/payments/${paymentId}/refunds`, {
            token: admin,
            body: { amount: 1, reason: `r${NUL}` },
            headers: { 'idempotency-key': randomUUID() },
          }),
      ],
    ])('%s is a 400', async (_, send) => {
      expectProblem(await send(), 400);
    });
  });

  describe('numbers out of range or of the wrong type', () => {
    it.each([
      [
        'quantity above the Int column',
        { lines: [{ productId: MUG, quantity: 2_147_483_648 }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'quantity huge',
        { lines: [{ productId: MUG, quantity: 1e300 }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'quantity negative',
        { lines: [{ productId: MUG, quantity: -1 }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'quantity as a string',
        { lines: [{ productId: MUG, quantity: '1e2' }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'quantity as a numeric string',
        { lines: [{ productId: MUG, quantity: '2' }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'quantity as a boolean',
        { lines: [{ productId: MUG, quantity: true }], paymentMethod: 'pm_card_visa' },
      ],
      [
        'lines as an object',
        { lines: { productId: MUG, quantity: 1 }, paymentMethod: 'pm_card_visa' },
      ],
    ])('an order with %s is a 400', async (_, body) => {
      expectProblem(await api.post('/v1/orders', body, customer.token), 400);
    });

    it.each([
      [
        'price above the column',
        {
          sku: validSku(),
          name: 'x',
          price: { amount: 2_147_483_648, currency: 'EUR' },
          stock: 1,
        },
      ],
      [
        'stock above the column',
        {
          sku: validSku(),
          name: 'x',
          price: { amount: 100, currency: 'EUR' },
          stock: 9_999_999_999,
        },
      ],
      [
        'price as a string',
        {
          sku: validSku(),
          name: 'x',
          price: { amount: '100', currency: 'EUR' },
          stock: 1,
        },
      ],
    ])('a product with %s is a 400', async (_, body) => {
      expectProblem(await api.post('/v1/products', body, admin), 400);
    });

    const eur = (amount: unknown) => ({ amount: { amount, currency: 'EUR' } });
    it.each([
      ['0', eur(0)],
      ['null', { amount: null }],
      ['a null amount', eur(null)],
      ['negative', eur(-5)],
      ['above the column', eur(2_147_483_648)],
      ['a string', eur('500')],
      ['a float', eur(1.5)],
    ])('a refund of %s is a 400 and refunds nothing', async (_, body) => {
      const res = await api.call('POST', `/v1/admin/payments/${paymentId}/refunds`, {
        token: admin,
        body,
        headers: { 'idempotency-key': randomUUID() },
      });
      expectProblem(res, 400);
      const payment = await api.get(`/v1/payments/${paymentId}`, customer.token);
      expect(payment.body.refunded.amount).toBe(0);
    });
  });

  describe('paging', () => {
    it.each(['limit=Infinity', 'limit=1e400', 'limit=-1', 'limit=0', 'limit=abc', 'limit=1.5'])(
      '%s is a 400',
      async (query) => {
        expectProblem(await api.get(`/v1/orders?${query}`, customer.token), 400);
        expectProblem(await api.get(`/v1/notifications?${query}`, customer.token), 400);
      },
    );

    it.each([
      [
        'a date out of range',
        Buffer.from(`+275760-09-13T00:00:00.001Z|${randomUUID()}`).toString('base64url'),
      ],
      [
        'a year 9999 date',
        Buffer.from(`9999-12-31T23:59:59.999Z|${randomUUID()}`).toString('base64url'),
      ],
      ['garbage', 'not-a-cursor'],
      [
        'an id that is not a uuid',
        Buffer.from(`2026-01-01T00:00:00.000Z|1 OR 1=1`).toString('base64url'),
      ],
    ])('a cursor with %s is a 400', async (_, cursor) => {
      expectProblem(await api.get(`/v1/orders?cursor=${cursor}`, customer.token), 400);
      expectProblem(await api.get(`/v1/notifications?cursor=${cursor}`, customer.token), 400);
      expectProblem(await api.get(`/v1/payments?cursor=${cursor}`, customer.token), 400);
    });

    it('a product cursor that was tampered with is a 400', async () => {
      const tampered = Buffer.from(`'; DROP TABLE products; --${NUL}`).toString('base64url');
      expectProblem(await api.get(`/v1/products?cursor=${tampered}`), 400);
    });
  });

  describe('the OAuth token endpoint', () => {
    it.each(['%zz:secret', 'client:%E0%A4%A', '%', 'no-colon'])(
      'Basic credentials %s are 401 invalid_client',
      async (credentials) => {
        const res = await api.call('POST', '/oauth/token', {
          raw: 'grant_type=client_credentials',
          contentType: 'application/x-www-form-urlencoded',
          headers: { authorization: `Basic ${Buffer.from(credentials).toString('base64')}` },
        });
        expect(res.status).toBe(401);
        expect(res.body.error).toBe('invalid_client');
      },
    );
  });

  describe('the live stream', () => {
    it.each(['9999999999999999999', '-1', 'abc', '1e5'])(
      'a Last-Event-ID of %s is a 400',
      async (lastEventId) => {
        const res = await fetch(`${platform.gatewayUrl}/v1/notifications/stream`, {
          headers: { authorization: `Bearer ${customer.token}`, 'last-event-id': lastEventId },
        });
        expect(res.status).toBe(400);
        expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
        await res.body?.cancel();
      },
    );
  });

  describe("the framework's own answers", () => {
    const viaSocket = (request: string) => raw(gatewayPort, request);
    const expectRawProblem = (
      res: { status: number; headers: string; body: string },
      status: number,
    ) => {
      expect(res.status).toBe(status);
      expect(res.headers).toMatch(/content-type: application\/problem\+json/i);
      expect(JSON.parse(res.body).requestId).toEqual(expect.any(String));
    };

    it('a malformed percent-encoding in the path is a problem', async () => {
      expectRawProblem(
        await viaSocket('GET /v1/products/%zz HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n'),
        400,
      );
    });

    it('an unknown route is a 404 problem', async () => {
      const res = await api.get('/v1/nowhere');
      expectProblem(res, 404);
    });

    it('invalid JSON and an unsupported content type are problems (gateway and service)', async () => {
      expectProblem(
        await api.call('POST', '/v1/orders', {
          token: customer.token,
          raw: '{"lines":',
          contentType: 'application/json',
        }),
        400,
      );
      expectProblem(
        await api.call('POST', '/v1/orders', {
          token: customer.token,
          raw: '<x/>',
          contentType: 'application/xml',
        }),
        415,
      );
      expectProblem(
        await api.call('POST', '/v1/auth/login', { raw: 'a=b', contentType: 'text/plain' }),
        415,
      );
    });

    it('a URI too long is a 414 problem', async () => {
      const res = await viaSocket(
        `GET /v1/products?x=${'a'.repeat(20_000)} HTTP/1.1\r\nhost: x\r\nconnection: close\r\n\r\n`,
      );
      expectRawProblem(res, 414);
    });

    it('header fields too large are a 431 problem', async () => {
      const res = await viaSocket(
        `GET /v1/products HTTP/1.1\r\nhost: x\r\nx-big: ${'a'.repeat(20_000)}\r\nconnection: close\r\n\r\n`,
      );
      expectRawProblem(res, 431);
    });

    it('a body nested 10^5 deep is a 400 problem on a public route; 10^6 deep is over the body limit', async () => {
      const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);
      const deep = await api.call('POST', '/v1/auth/login', {
        raw: nested(1e5), // 200 KB: under the body limit, so the service's check answers
        contentType: 'application/json',
      });
      expectProblem(deep, 400);
      expect(deep.body.detail).toMatch(/^body nests deeper than \d+ levels$/);
      expectProblem(
        await api.call('POST', '/v1/auth/password-reset', {
          raw: `{"email":${nested(1e5)}}`,
          contentType: 'application/json',
        }),
        400,
      );
      expectProblem(
        await api.call('POST', '/v1/auth/login', {
          raw: nested(1e6),
          contentType: 'application/json',
        }),
        413,
      );
    });

    it('a request Node cannot parse is a 400 problem', async () => {
      const res = await viaSocket('GET /v1/products HTTP/1.1\r\nhost: x\r\nbad header\r\n\r\n');
      expectRawProblem(res, 400);
    });
  });

  describe('the gateway itself', () => {
    it('answers a request with Expect: 100-continue instead of a 502', async () => {
      const body = JSON.stringify({
        lines: [{ productId: MUG, quantity: 1 }],
        paymentMethod: 'pm_card_visa',
      });
      const res = await raw(
        gatewayPort,
        `POST /v1/orders HTTP/1.1\r\nhost: x\r\nauthorization: Bearer ${customer.token}\r\ncontent-type: application/json\r\ncontent-length: ${Buffer.byteLength(body)}\r\nexpect: 100-continue\r\nconnection: close\r\n\r\n${body}`,
      );
      expect(res.headers).toMatch(/HTTP\/1.1 100 Continue/);
      expect(res.body).toMatch(/HTTP\/1.1 201 Created|"status":"pending_payment"/);
    });

    it('refuses a body over the limit with 413 before anything goes upstream, chunked too', async () => {
      const big = JSON.stringify({ lines: [], paymentMethod: 'x'.repeat(300 * 1024) });
      expectProblem(
        await api.call('POST', '/v1/orders', {
          token: customer.token,
          raw: big,
          contentType: 'application/json',
        }),
        413,
      );
      const chunk = big.slice(0, 200 * 1024);
      const res = await raw(
        gatewayPort,
        `POST /v1/auth/login HTTP/1.1\r\nhost: x\r\ncontent-type: application/json\r\ntransfer-encoding: chunked\r\nconnection: close\r\n\r\n` +
          `${chunk.length.toString(16)}\r\n${chunk}\r\n${chunk.length.toString(16)}\r\n${chunk}\r\n0\r\n\r\n`,
      );
      expect(res.status).toBe(413);
    });
  });
});
