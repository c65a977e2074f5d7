import { randomUUID } from 'node:crypto';
import { createEvent, type Money } from '@switchyard/contracts';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import { LANTERN, MUG, paymentSucceeded, startOrderService } from '../support.js';

const UKULELE = randomUUID();

describe('GET /v1/admin/reports/sales', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let admin: string;
  const userId = randomUUID();
  const windowStart = new Date(Date.now() - 60_000).toISOString();

  beforeAll(async () => {
    service = await startOrderService();
    admin = await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] });
    // A second currency: the report keeps each currency apart.
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO products (id, sku, name, price_minor, currency, stock)
       VALUES ($1, 'UKE-001', 'Ukulele', 4000, 'USD', 50)`,
      [UKULELE],
    );
  });
  afterAll(() => service.close());

  const report = async (query: string, token = admin) =>
    service.app.inject({
      url: `/v1/admin/reports/sales?${query}`,
      headers: { authorization: `Bearer ${token}` },
    });
  const windowQuery = (from: string, to: string) =>
    `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;

  async function place(lines: { productId: string; quantity: number }[]) {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` },
      payload: { lines, paymentMethod: 'pm_card_visa' },
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id as string, total: res.json().total as Money };
  }
  const statusOf = async (id: string) =>
    (
      await queryDb<{ status: string }>(
        service.ctx.databaseUrl,
        'SELECT status FROM orders WHERE id = $1',
        [id],
      )
    )[0]!.status;
  async function pay(order: { id: string; total: Money }) {
    const paymentId = randomUUID();
    await publishEvent(
      service.ctx.namespace,
      paymentSucceeded({ orderId: order.id, userId, amount: order.total, paymentId }),
    );
    await waitFor(async () => (await statusOf(order.id)) === 'paid', { what: 'paid' });
    return paymentId;
  }
  async function refund(order: { id: string; total: Money }, paymentId: string, amount: number) {
    const event = createEvent('payment.refunded', {
      source: 'payment',
      subject: order.id,
      data: {
        paymentId,
        orderId: order.id,
        userId,
        refundId: randomUUID(),
        amount: { amount, currency: order.total.currency },
        totalRefunded: { amount, currency: order.total.currency },
        captured: order.total,
        reason: 'requested_by_admin',
      },
    });
    // Delivered twice: the refund still counts once.
    await publishEvent(service.ctx.namespace, event, 2);
    await waitFor(async () => (await statusOf(order.id)) !== 'paid', { what: 'refunded' });
  }

  it('sums paid orders, revenue, refunds and top products per currency, and orders by status', async () => {
    const mugs = await place([{ productId: MUG, quantity: 3 }]); // 3 × 1250
    const mixed = await place([
      { productId: MUG, quantity: 1 },
      { productId: LANTERN, quantity: 1 },
    ]); // 1250 + 8900
    const ukes = await place([{ productId: UKULELE, quantity: 2 }]); // 2 × 4000 USD
    await place([{ productId: MUG, quantity: 5 }]); // never paid: placed, not sold
    await pay(mugs);
    const mixedPayment = await pay(mixed);
    await pay(ukes);
    await refund(mixed, mixedPayment, 1250);

    const res = await report(windowQuery(windowStart, new Date(Date.now() + 60_000).toISOString()));
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.currencies).toEqual([
      {
        currency: 'EUR',
        paidOrders: 2,
        revenue: { amount: 3 * 1250 + 1250 + 8900, currency: 'EUR' },
        refunds: { count: 1, amount: { amount: 1250, currency: 'EUR' } },
        topProducts: [
          {
            productId: MUG,
            name: 'Switchyard enamel mug',
            quantity: 4,
            revenue: { amount: 4 * 1250, currency: 'EUR' },
          },
          {
            productId: LANTERN,
            name: 'Brass lantern',
            quantity: 1,
            revenue: { amount: 8900, currency: 'EUR' },
          },
        ],
      },
      {
        currency: 'USD',
        paidOrders: 1,
        revenue: { amount: 8000, currency: 'USD' },
        refunds: { count: 0, amount: { amount: 0, currency: 'USD' } },
        topProducts: [
          {
            productId: UKULELE,
            name: 'Ukulele',
            quantity: 2,
            revenue: { amount: 8000, currency: 'USD' },
          },
        ],
      },
    ]);
    expect(body.ordersByStatus).toEqual({
      pending_payment: 1,
      awaiting_payment_action: 0,
      paid: 2,
      fulfilled: 0,
      cancelled: 0,
      refunded: 0,
      partially_refunded: 1,
    });
    const refunds = await queryDb(
      service.ctx.databaseUrl,
      'SELECT amount_minor FROM order_refunds WHERE order_id = $1',
      [mixed.id],
    );
    expect(refunds).toEqual([{ amount_minor: 1250 }]);
  });

  it('counts only what happened inside the window', async () => {
    const monthBefore = new Date(Date.parse(windowStart) - 30 * 86_400_000).toISOString();
    const before = await report(windowQuery(monthBefore, windowStart));
    expect(before.statusCode).toBe(200);
    expect(before.json().currencies).toEqual([]);
    expect(Object.values(before.json().ordersByStatus).every((n) => n === 0)).toBe(true);

    // A payment recorded a day ago falls in yesterday's window and out of today's.
    const old = await place([{ productId: LANTERN, quantity: 2 }]);
    await pay(old);
    const dayAgo = new Date(Date.now() - 86_400_000);
    await queryDb(
      service.ctx.databaseUrl,
      'UPDATE order_status_changes SET created_at = $2 WHERE order_id = $1',
      [old.id, dayAgo],
    );
    await queryDb(service.ctx.databaseUrl, 'UPDATE orders SET created_at = $2 WHERE id = $1', [
      old.id,
      dayAgo,
    ]);
    const yesterday = await report(
      windowQuery(new Date(dayAgo.getTime() - 1000).toISOString(), windowStart),
    );
    expect(yesterday.json().currencies).toEqual([
      expect.objectContaining({
        currency: 'EUR',
        paidOrders: 1,
        revenue: { amount: 2 * 8900, currency: 'EUR' },
      }),
    ]);
    expect(yesterday.json().ordersByStatus.paid).toBe(1);
  });

  it('answers 400 problem+json for a window that is reversed, too long or not a date-time', async () => {
    for (const query of [
      windowQuery('2026-12-02T00:00:00Z', '2026-12-01T00:00:00Z'),
      windowQuery('2026-01-01T00:00:00Z', '2026-03-01T00:00:00Z'),
      windowQuery('yesterday', '2026-12-01T00:00:00Z'),
      'from=2026-12-01T00:00:00Z',
      `${windowQuery('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z')}&extra=1`,
    ]) {
      const res = await report(query);
      expect({ query, status: res.statusCode }).toEqual({ query, status: 400 });
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json().detail).toEqual(expect.any(String));
    }
  });

  it('is for admins only', async () => {
    const customer = await service.ctx.jwks.sign({ userId });
    const query = windowQuery('2026-12-01T00:00:00Z', '2026-12-02T00:00:00Z');
    expect((await report(query, customer)).statusCode).toBe(403);
    const anonymous = await service.app.inject({ url: `/v1/admin/reports/sales?${query}` });
    expect(anonymous.statusCode).toBe(401);
  });
});
