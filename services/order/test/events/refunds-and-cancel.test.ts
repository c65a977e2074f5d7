import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import { MUG, paymentSucceeded, startOrderService, stockOf } from '../support.js';

describe('refunds reaching orders, and customer cancellation', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();
  let token: string;

  beforeAll(async () => {
    service = await startOrderService();
    token = await service.ctx.jwks.sign({ userId });
  });
  afterAll(() => service.close());

  async function placeOrder(): Promise<{ id: string; total: number }> {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${token}` },
      payload: { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
    });
    expect(res.statusCode).toBe(201);
    return { id: res.json().id, total: res.json().total.amount };
  }
  const order = async (id: string) =>
    (
      await service.app.inject({
        url: `/v1/orders/${id}`,
        headers: { authorization: `Bearer ${token}` },
      })
    ).json();
  const money = (amount: number) => ({ amount, currency: 'EUR' });
  const paymentId = randomUUID();
  const succeeded = (orderId: string, total: number) =>
    paymentSucceeded({ paymentId, orderId, userId, amount: money(total) });
  const refunded = (orderId: string, total: number, amount: number, runningTotal: number) =>
    createEvent('payment.refunded', {
      source: 'payment',
      subject: orderId,
      data: {
        paymentId,
        orderId,
        userId,
        refundId: randomUUID(),
        amount: money(amount),
        totalRefunded: money(runningTotal),
        captured: money(total),
        reason: 'requested_by_admin',
      },
    });

  it('moves a paid order to partially_refunded, then refunded, each refund counted once', async () => {
    const { id, total } = await placeOrder();
    await publishEvent(service.ctx.namespace, succeeded(id, total));
    await waitFor(async () => (await order(id)).status === 'paid', { what: 'paid' });
    const partial = refunded(id, total, 100, 100);
    await publishEvent(service.ctx.namespace, partial, 2);
    await waitFor(async () => (await order(id)).status === 'partially_refunded', {
      what: 'partial',
    });
    expect((await order(id)).refunded).toEqual(money(100));
    await publishEvent(service.ctx.namespace, refunded(id, total, total - 100, total));
    await waitFor(async () => (await order(id)).status === 'refunded', { what: 'refunded' });
    const view = await order(id);
    expect(view.refunded).toEqual(money(total));
    expect(view.timeline.map((t: { status: string }) => t.status)).toEqual([
      'pending_payment',
      'paid',
      'partially_refunded',
      'refunded',
    ]);
  });

  it('converges when payment.refunded overtakes payment.succeeded (a reordering)', async () => {
    const { id, total } = await placeOrder();
    const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;
    // The refund of half arrives while the order still waits for its payment.
    await publishEvent(service.ctx.namespace, refunded(id, total, total / 2, total / 2));
    await waitFor(async () => (await order(id)).refunded.amount === total / 2, {
      what: 'the refund recorded on the pending order',
    });
    expect((await order(id)).status).toBe('pending_payment');
    await publishEvent(service.ctx.namespace, succeeded(id, total));
    await waitFor(async () => (await order(id)).status === 'partially_refunded', {
      what: 'partially refunded once paid',
    });
    expect((await order(id)).timeline.map((t: { status: string }) => t.status)).toEqual([
      'pending_payment',
      'paid',
      'partially_refunded',
    ]);
    expect(await metrics()).not.toMatch(
      /events_consumed_total\{[^}]*outcome="dead_lettered"[^}]*\} [1-9]/,
    );
  });

  it('lets the customer cancel while payment is pending: stock back, order.cancelled announced', async () => {
    const stock = () => stockOf(service.ctx.databaseUrl, MUG);
    const before = await stock();
    const { id } = await placeOrder();
    expect(await stock()).toBe(before - 2);
    const cancel = (as = token) =>
      service.app.inject({
        method: 'POST',
        url: `/v1/orders/${id}/cancel`,
        headers: { authorization: `Bearer ${as}` },
      });
    const stranger = await service.ctx.jwks.sign({ userId: randomUUID() });
    expect((await cancel(stranger)).statusCode).toBe(404);
    const res = await cancel();
    expect(res.statusCode).toBe(200);
    expect(res.json()).toMatchObject({
      status: 'cancelled',
      cancelReason: 'cancelled by customer',
    });
    expect(res.json().timeline.at(-1)).toMatchObject({ status: 'cancelled', actor: 'customer' });
    expect(await stock()).toBe(before);
    const again = await cancel();
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
    const events = await queryDb(
      service.ctx.databaseUrl,
      "SELECT 1 FROM outbox_events WHERE event_type = 'order.cancelled' AND message_key = $1",
      [id],
    );
    expect(events).toHaveLength(1);
  });

  it('refuses to cancel a paid order', async () => {
    const { id, total } = await placeOrder();
    await publishEvent(service.ctx.namespace, succeeded(id, total));
    await waitFor(async () => (await order(id)).status === 'paid', { what: 'paid' });
    const res = await service.app.inject({
      method: 'POST',
      url: `/v1/orders/${id}/cancel`,
      headers: { authorization: `Bearer ${token}` },
    });
    expect(res.statusCode).toBe(409);
  });

  it('keeps a cancelled order cancelled when its late payment is refunded, and records the amount', async () => {
    const { id, total } = await placeOrder();
    await service.app.inject({
      method: 'POST',
      url: `/v1/orders/${id}/cancel`,
      headers: { authorization: `Bearer ${token}` },
    });
    await publishEvent(service.ctx.namespace, succeeded(id, total));
    await publishEvent(service.ctx.namespace, refunded(id, total, total, total));
    await waitFor(async () => (await order(id)).refunded.amount === total, {
      what: 'refund recorded',
    });
    expect((await order(id)).status).toBe('cancelled');
  });

  it('records every stock change as a movement: movements sum to each product’s stock', async () => {
    const drift = await queryDb(
      service.ctx.databaseUrl,
      `SELECT p.id FROM products p LEFT JOIN stock_movements m ON m.product_id = p.id
       GROUP BY p.id, p.stock HAVING p.stock <> coalesce(sum(m.delta), 0)`,
    );
    expect(drift).toEqual([]);
    const released = await queryDb(
      service.ctx.databaseUrl,
      "SELECT 1 FROM stock_movements WHERE reason = 'released' AND product_id = $1",
      [MUG],
    );
    expect(released.length).toBeGreaterThanOrEqual(2);
  });
});
