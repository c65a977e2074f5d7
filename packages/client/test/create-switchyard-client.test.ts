import { randomUUID } from 'node:crypto';
import { createSwitchyardClient, SwitchyardProblem, type Order } from '../src/index.js';
import { json, startScriptedApi } from './scripted-api.js';

const order = (id: string): Order => ({
  id,
  status: 'pending_payment',
  total: { amount: 1200, currency: 'EUR' },
  lines: [],
  paymentMethod: 'pm_card_visa',
  refunded: { amount: 0, currency: 'EUR' },
  timeline: [],
  createdAt: '2026-12-04T10:00:00.000Z',
  updatedAt: '2026-12-04T10:00:00.000Z',
});
const anOrder = {
  lines: [{ productId: '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', quantity: 1 }],
  paymentMethod: 'pm_card_visa',
};
const problem = {
  type: 'https://switchyard.dev/problems/validation-failed',
  title: 'Request validation failed',
  status: 400,
  code: 'VALIDATION_FAILED',
  detail: 'querystring/limit must be <= 100',
  errors: [{ path: 'querystring/limit', message: 'must be <= 100' }],
  requestId: 'req-1',
};

describe('createSwitchyardClient', () => {
  let api: Awaited<ReturnType<typeof startScriptedApi>>;
  let script: Parameters<typeof startScriptedApi>[0];
  beforeAll(async () => {
    api = await startScriptedApi((request, res, index) => script(request, res, index));
  });
  afterAll(() => api.close());
  beforeEach(() => {
    api.received.length = 0;
  });

  describe('access tokens', () => {
    beforeEach(() => {
      script = (_request, res) => json(res, 200, { items: [], nextCursor: null });
    });

    it('sends a fixed token as a bearer token', async () => {
      const client = createSwitchyardClient({ baseUrl: api.baseUrl, token: 'token-1' });
      await client.GET('/v1/orders');
      expect(api.received[0]!.headers.authorization).toBe('Bearer token-1');
    });

    it('asks getToken before every request, so a refreshed token is used at once', async () => {
      const session: { accessToken?: string } = {};
      const client = createSwitchyardClient({
        baseUrl: api.baseUrl,
        getToken: async () => session.accessToken,
      });
      await client.GET('/v1/products');
      session.accessToken = 'token-2';
      await client.GET('/v1/orders');
      expect(api.received.map((r) => r.headers.authorization)).toEqual([
        undefined,
        'Bearer token-2',
      ]);
    });

    it('keeps an Authorization header a call sets itself', async () => {
      const client = createSwitchyardClient({ baseUrl: api.baseUrl, token: 'token-1' });
      await client.GET('/v1/orders', { headers: { authorization: 'Bearer other' } });
      expect(api.received[0]!.headers.authorization).toBe('Bearer other');
    });

    it('refuses both a token and getToken', () => {
      expect(() =>
        createSwitchyardClient({ baseUrl: api.baseUrl, token: 'a', getToken: () => 'b' }),
      ).toThrow(TypeError);
    });
  });

  describe('errors', () => {
    it('throws a problem+json answer as a SwitchyardProblem with its typed fields', async () => {
      script = (_request, res) => json(res, 400, problem, 'application/problem+json');
      const client = createSwitchyardClient({ baseUrl: api.baseUrl, token: 't' });
      const error = await client
        .GET('/v1/orders', { params: { query: { limit: 101 } } })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(SwitchyardProblem);
      expect(error).toMatchObject({
        status: 400,
        type: problem.type,
        title: problem.title,
        detail: problem.detail,
        code: 'VALIDATION_FAILED',
        requestId: 'req-1',
        errors: problem.errors,
        message: `400 Request validation failed: ${problem.detail}`,
      });
    });

    it("reads an OAuth error answer (RFC 6749) as a problem with the error's code", async () => {
      script = (_request, res) =>
        json(res, 401, { error: 'invalid_client', error_description: 'unknown client' });
      const client = createSwitchyardClient({ baseUrl: api.baseUrl });
      const error = await client.clientCredentials('c', 's').catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 401,
        type: 'about:blank',
        code: 'invalid_client',
        detail: 'unknown client',
      });
    });

    it('throws an answer that is not a problem with its status, and Retry-After read', async () => {
      script = (_request, res) =>
        res
          .writeHead(503, { 'content-type': 'text/html', 'retry-after': '7' })
          .end('<h1>down</h1>');
      const error = await createSwitchyardClient({ baseUrl: api.baseUrl })
        .GET('/v1/products')
        .catch((e: unknown) => e);
      expect(error).toMatchObject({
        status: 503,
        type: 'about:blank',
        title: 'Service Unavailable',
        retryAfterSeconds: 7,
      });
    });
  });

  describe('signIn and clientCredentials', () => {
    it('signs in with JSON credentials and no bearer token', async () => {
      const session = { tokenType: 'Bearer', accessToken: 'a', expiresIn: 900, refreshToken: 'r' };
      script = (_request, res) => json(res, 200, session);
      const client = createSwitchyardClient({ baseUrl: api.baseUrl, token: 'stale' });
      expect(await client.signIn('ada@example.com', 'a long passphrase')).toEqual(session);
      const [request] = api.received;
      expect(request).toMatchObject({ method: 'POST', url: '/v1/auth/login' });
      expect(request!.headers.authorization).toBeUndefined();
      expect(JSON.parse(request!.body)).toEqual({
        email: 'ada@example.com',
        password: 'a long passphrase',
      });
    });

    it('asks for a client_credentials token with the secret in the form (client_secret_post)', async () => {
      const token = {
        access_token: 'm',
        token_type: 'Bearer',
        expires_in: 900,
        scope: 'orders:read',
      };
      script = (_request, res) => json(res, 200, token);
      const client = createSwitchyardClient({ baseUrl: api.baseUrl });
      expect(await client.clientCredentials('cl_1', 'secret', { scope: 'orders:read' })).toEqual(
        token,
      );
      const [request] = api.received;
      expect(request!.url).toBe('/oauth/token');
      expect(request!.headers['content-type']).toBe('application/x-www-form-urlencoded');
      expect(Object.fromEntries(new URLSearchParams(request!.body))).toEqual({
        grant_type: 'client_credentials',
        client_id: 'cl_1',
        client_secret: 'secret',
        scope: 'orders:read',
      });
    });
  });

  describe('placeOrder', () => {
    const client = () => createSwitchyardClient({ baseUrl: api.baseUrl, token: 't' });
    const keys = () => api.received.map((r) => r.headers['idempotency-key']);

    it('sends a new random Idempotency-Key and returns it with the order', async () => {
      script = (_request, res) => json(res, 201, order('o-1'));
      const placed = await client().placeOrder(anOrder);
      expect(placed).toEqual({ order: order('o-1'), idempotencyKey: keys()[0], replayed: false });
      expect(placed.idempotencyKey).toMatch(/^[0-9a-f-]{36}$/);
      await client().placeOrder(anOrder);
      expect(keys()[1]).not.toBe(keys()[0]);
    });

    it('retries with the same key after a 5xx and reports the replayed answer', async () => {
      script = (_request, res, index) =>
        index === 0
          ? json(
              res,
              502,
              { ...problem, status: 502, title: 'Bad gateway' },
              'application/problem+json',
            )
          : res
              .writeHead(201, { 'content-type': 'application/json', 'idempotent-replayed': 'true' })
              .end(JSON.stringify(order('o-2')));
      const placed = await client().placeOrder(anOrder);
      expect(placed.order.id).toBe('o-2');
      expect(placed.replayed).toBe(true);
      expect(keys()).toHaveLength(2);
      expect(keys()[1]).toBe(keys()[0]);
    });

    it('retries with the same key when the connection drops before an answer', async () => {
      script = (_request, res, index) =>
        index === 0 ? res.socket!.destroy() : json(res, 201, order('o-3'));
      const key = randomUUID();
      const placed = await client().placeOrder(anOrder, { idempotencyKey: key });
      expect(placed).toMatchObject({ idempotencyKey: key, order: { id: 'o-3' } });
      expect(keys()).toEqual([key, key]);
    });

    it('waits as Retry-After says while the key is held by an attempt still running (409)', async () => {
      script = (_request, res, index) =>
        index === 0
          ? res
              .writeHead(409, { 'content-type': 'application/problem+json', 'retry-after': '1' })
              .end(JSON.stringify({ ...problem, status: 409, code: 'CONFLICT' }))
          : json(res, 201, order('o-4'));
      const started = Date.now();
      expect((await client().placeOrder(anOrder)).order.id).toBe('o-4');
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    });

    it('does not retry an answer about the order itself, and gives up after its attempts', async () => {
      script = (_request, res) =>
        json(
          res,
          422,
          { ...problem, status: 422, code: 'UNPROCESSABLE' },
          'application/problem+json',
        );
      await expect(client().placeOrder(anOrder)).rejects.toMatchObject({ status: 422 });
      expect(keys()).toHaveLength(1);

      api.received.length = 0;
      script = (_request, res) =>
        json(
          res,
          503,
          { ...problem, status: 503, code: 'UNAVAILABLE' },
          'application/problem+json',
        );
      await expect(client().placeOrder(anOrder, { attempts: 2 })).rejects.toMatchObject({
        status: 503,
      });
      expect(keys()).toHaveLength(2);
    });
  });
});
