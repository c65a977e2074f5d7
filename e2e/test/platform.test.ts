import { randomUUID } from 'node:crypto';
import { Topics } from '@switchyard/contracts';
import {
  publishRaw,
  readTopic,
  waitFor,
  startPlatform,
  type Platform,
  consumedEvents,
} from '@switchyard/testing';
import { generateKeyPair, SignJWT } from 'jose';
import { apiClient } from './client.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const TEE = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0002';
const password = 'a long enough passphrase';

describe('Switchyard end to end, through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;

  beforeAll(async () => {
    platform = await startPlatform();
    api = apiClient(platform.gatewayUrl);
  }, 180_000);

  afterAll(async () => {
    if (!platform) return;
    const codes = await platform.stop();
    // Every process shut down gracefully on SIGTERM.
    expect(codes).toEqual(platform.running.map(() => 0));
  }, 60_000);

  async function newCustomer(): Promise<{ email: string; userId: string; token: string }> {
    const email = `e2e-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name: 'Erin' });
    expect(registered.status).toBe(201);
    const login = await api.post('/v1/auth/login', { email, password });
    expect(login.status).toBe(200);
    return { email, userId: registered.body.id, token: login.body.accessToken };
  }

  const orderStatus = (id: string, token: string) =>
    waitFor(
      async () => {
        const res = await api.get(`/v1/orders/${id}`, token);
        return res.body.status === 'pending_payment' ? undefined : res.body;
      },
      { timeoutMs: 45_000, what: `order ${id} to leave pending_payment` },
    );

  const notificationTitles = async (token: string) =>
    ((await api.get('/v1/notifications', token)).body.items as { title: string }[]).map(
      (n) => n.title,
    );

  it('runs billing as a process of its own: ready, measured, and reached only through the gateway', async () => {
    const billing = platform.serviceUrl('billing');
    expect((await fetch(`${billing}/readyz`)).status).toBe(200);
    const metrics = await fetch(`${billing}/metrics`);
    expect(metrics.status).toBe(200);
    expect(await metrics.text()).toContain('process_cpu_seconds_total');

    // The plan catalog needs no token, and the gateway hands it to billing (whatever billing
    // answers); a customer's own billing needs one, refused at the gateway.
    await api.get('/v1/plans');
    await waitFor(
      async () =>
        platform
          .replica('billing')
          .process.output()
          .split('\n')
          .some((line) => line.includes('"request completed"') && line.includes('"/v1/plans"')),
      { timeoutMs: 5_000, what: 'billing to log GET /v1/plans' },
    );
    expect((await api.get('/v1/subscriptions')).status).toBe(401);
    expect((await api.get('/v1/invoices')).status).toBe(401);
  });

  it('registers, logs in, orders with a good card: the order is paid and the customer told in-app and by email', async () => {
    const { email, token } = await newCustomer();
    const me = await api.get('/v1/auth/me', token);
    expect(me.body.email).toBe(email);

    const products = await api.get('/v1/products');
    expect(products.status).toBe(200);
    expect(products.body.items.length).toBeGreaterThan(0);

    // The client is traced itself (any OpenTelemetry-instrumented client sends this).
    const clientTraceId = randomUUID().replace(/-/g, '');
    const placed = await api.call('POST', '/v1/orders', {
      token,
      body: {
        lines: [
          { productId: MUG, quantity: 2 },
          { productId: TEE, quantity: 1 },
        ],
        paymentMethod: 'pm_card_visa',
      },
      headers: {
        traceparent: `00-${clientTraceId}-00f067aa0ba902b7-01`,
        tracestate: 'client=1',
      },
    });
    expect(placed.status).toBe(201);
    expect(placed.body.total).toEqual({ amount: 2 * 1250 + 2400, currency: 'EUR' });

    const settled = await orderStatus(placed.body.id, token);
    expect(settled.status).toBe('paid');
    const payments = await api.get(`/v1/payments?orderId=${placed.body.id}`, token);
    expect(payments.body.items).toEqual([
      expect.objectContaining({ status: 'succeeded', amount: { amount: 4900, currency: 'EUR' } }),
    ]);

    // One trace — the client's — runs through the gateway, the order service, Kafka, and into
    // the payment consumer.
    const traceIn = (process: string, match: (line: any) => boolean): unknown =>
      platform.running
        .find((r) => r.name === process)!
        .output()
        .split('\n')
        .flatMap((line) => {
          try {
            return [JSON.parse(line)];
          } catch {
            return []; // not a log line (or one cut short by the output buffer)
          }
        })
        .find(match)?.trace_id;
    // Every process writes one line per request, when it is answered (service-kit's request-log.ts).
    const requestTrace = traceIn(
      'gateway',
      (l) =>
        l.msg === 'request completed' && l.req?.method === 'POST' && l.req?.url === '/v1/orders',
    );
    const consumerTrace = traceIn(
      'payment',
      (l) => l.msg === 'event applied' && l.subject === placed.body.id,
    );
    const orderTrace = traceIn(
      'order',
      (l) =>
        l.msg === 'request completed' && l.req?.method === 'POST' && l.req?.url === '/v1/orders',
    );
    expect(requestTrace).toBe(clientTraceId);
    expect(orderTrace).toBe(clientTraceId);
    expect(consumerTrace).toBe(clientTraceId);

    const shortId = placed.body.id.slice(0, 8);
    await waitFor(
      async () => (await notificationTitles(token)).includes(`Order ${shortId} is confirmed`),
      { timeoutMs: 30_000, what: 'in-app confirmation' },
    );
    expect(await notificationTitles(token)).toContain('Welcome to Switchyard');
    const mails = await waitFor(
      async () => {
        const received = await platform.smtp.emailsTo(email);
        return received.some((m) => m.subject === `Order ${shortId} is confirmed`)
          ? received
          : undefined;
      },
      { timeoutMs: 30_000, what: 'confirmation email' },
    );
    expect(mails.map((m) => m.subject)).toEqual(
      expect.arrayContaining(['Welcome to Switchyard', `Order ${shortId} is confirmed`]),
    );
  });

  it('orders with a declining card: the order is cancelled, the stock released and the failure notified', async () => {
    const { email, token } = await newCustomer();
    const stockBefore = (await api.get(`/v1/products/${TEE}`)).body.stock;
    const placed = await api.post(
      '/v1/orders',
      { lines: [{ productId: TEE, quantity: 3 }], paymentMethod: 'pm_card_declined' },
      token,
    );
    expect(placed.status).toBe(201);

    const settled = await orderStatus(placed.body.id, token);
    expect(settled.status).toBe('cancelled');
    expect(settled.cancelReason).toMatch(/card_declined/);
    await waitFor(async () => (await api.get(`/v1/products/${TEE}`)).body.stock === stockBefore, {
      what: 'stock released',
    });

    const shortId = placed.body.id.slice(0, 8);
    await waitFor(
      async () => (await notificationTitles(token)).includes(`Payment for order ${shortId} failed`),
      { timeoutMs: 30_000, what: 'failure notification' },
    );
    await waitFor(
      async () =>
        (await platform.smtp.emailsTo(email)).some(
          (m) => m.subject === `Payment for order ${shortId} failed`,
        ),
      {
        timeoutMs: 30_000,
        what: 'failure email',
      },
    );
  });

  it("refuses requests without a token, with a token from a foreign key, and hides other users' orders", async () => {
    const noToken = await api.get('/v1/orders');
    expect(noToken.status).toBe(401);
    expect(noToken.headers.get('content-type')).toMatch(/application\/problem\+json/);
    // RFC 6750: a bare challenge without a token, invalid_token for a refused one.
    expect(noToken.headers.get('www-authenticate')).toBe('Bearer realm="switchyard"');
    const garbage = await api.get('/v1/orders', 'not-a-token');
    expect(garbage.headers.get('www-authenticate')).toMatch(/^Bearer .*error="invalid_token"/);

    const { privateKey } = await generateKeyPair('ES256');
    const jwks = (await api.get('/.well-known/jwks.json')).body;
    const forged = await new SignJWT({ roles: ['admin'] })
      .setProtectedHeader({ alg: 'ES256', kid: jwks.keys[0].kid, typ: 'at+jwt' })
      .setSubject(randomUUID())
      .setIssuer('switchyard-auth')
      .setAudience('switchyard-api')
      .setIssuedAt()
      .setExpirationTime('5m')
      .sign(privateKey);
    expect((await api.get('/v1/orders', forged)).status).toBe(401);

    const alice = await newCustomer();
    const bob = await newCustomer();
    const order = await api.post(
      '/v1/orders',
      { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      alice.token,
    );
    const peek = await api.get(`/v1/orders/${order.body.id}`, bob.token);
    expect(peek.status).toBe(404);
    expect(peek.body.code).toBe('NOT_FOUND');
    expect((await api.get(`/v1/payments?orderId=${order.body.id}`, bob.token)).body.items).toEqual(
      [],
    );
  });

  it('answers a known path with an unsupported method 405 and Allow, through the gateway', async () => {
    const { token } = await newCustomer();
    const res = await api.call('DELETE', '/v1/notifications/preferences', { token });
    expect(res.status).toBe(405);
    expect(res.headers.get('allow')).toBe('GET, HEAD, PATCH');
    expect(res.headers.get('content-type')).toMatch(/application\/problem\+json/);
  });

  it('applies a Kafka event delivered twice only once: one charge, one notification', async () => {
    const { email, token } = await newCustomer();
    const placed = await api.post(
      '/v1/orders',
      { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      token,
    );
    const orderId = placed.body.id as string;
    expect((await orderStatus(orderId, token)).status).toBe('paid');
    const shortId = orderId.slice(0, 8);
    await waitFor(
      async () => (await platform.smtp.emailsTo(email)).some((m) => m.subject.includes(shortId)),
      { what: 'first email' },
    );

    // Deliver the very same order.created, order.paid and payment.succeeded messages again,
    // twice each: every consumer must recognise them and change nothing.
    for (const [topic, count] of [
      [Topics.orders, 2],
      [Topics.payments, 1],
    ] as const) {
      const originals = await readTopic(
        platform.namespace + topic,
        (m) => m.key?.toString() === orderId,
        { count },
      );
      for (const original of originals) {
        const headers = Object.fromEntries(
          Object.entries(original.headers ?? {}).map(([k, v]) => [k, String(v)]),
        );
        for (let i = 0; i < 2; i++) {
          await publishRaw(platform.namespace + topic, {
            key: orderId,
            value: original.value!.toString(),
            headers,
          });
        }
      }
    }
    const duplicatesSeen = async (service: 'payment' | 'order' | 'notification', event: string) => {
      const metrics = await (await fetch(`${platform.serviceUrl(service)}/metrics`)).text();
      return consumedEvents(metrics, event, 'duplicate');
    };
    await waitFor(async () => (await duplicatesSeen('payment', 'order.created')) >= 2, {
      what: 'payment to see the duplicates',
    });
    await waitFor(async () => (await duplicatesSeen('order', 'payment.succeeded')) >= 2, {
      what: 'order to see the duplicates',
    });
    await waitFor(async () => (await duplicatesSeen('notification', 'order.paid')) >= 2, {
      what: 'notification to see the duplicates',
    });

    const payments = await api.get(`/v1/payments?orderId=${orderId}`, token);
    expect(payments.body.items).toHaveLength(1);
    expect((await api.get(`/v1/orders/${orderId}`, token)).body.status).toBe('paid');
    const confirmations = (await notificationTitles(token)).filter(
      (t) => t === `Order ${shortId} is confirmed`,
    );
    expect(confirmations).toHaveLength(1);
    expect(
      (await platform.smtp.emailsTo(email)).filter(
        (m) => m.subject === `Order ${shortId} is confirmed`,
      ),
    ).toHaveLength(1);
  });
});
