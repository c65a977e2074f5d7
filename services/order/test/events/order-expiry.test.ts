import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { Topics } from '@switchyard/contracts';
import { loadConfig } from '@switchyard/service-kit';
import {
  publishEvent,
  queryDb,
  readTopic,
  startServiceUnderTest,
  waitFor,
} from '@switchyard/testing';
import { buildApp } from '../../src/app.js';
import { OrderConfig } from '../../src/config.js';
import { expireUnpaidOrders } from '../../src/orders/expire-unpaid-orders.js';
import { demoCatalogSeed, MUG, paymentSucceeded, serviceDir, stockOf } from '../support.js';

describe('expiry of unpaid orders', () => {
  let service: Awaited<
    ReturnType<typeof startServiceUnderTest<Awaited<ReturnType<typeof buildApp>>>>
  >;
  beforeAll(async () => {
    service = await startServiceUnderTest({
      service: 'order',
      migrationsDir: path.join(serviceDir, 'prisma/migrations'),
      seedFiles: [demoCatalogSeed],
      env: { ORDER_PAYMENT_TIMEOUT_SECONDS: '1', EXPIRY_SWEEP_INTERVAL_MS: '200' },
      build: (env) => buildApp(loadConfig(OrderConfig, env)),
    });
  });
  afterAll(() => service.close());

  const place = async (userId = randomUUID()) => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` },
      payload: { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
    });
    return { userId, order: res.json() };
  };
  const stock = () => stockOf(service.ctx.databaseUrl, MUG);
  const statusOf = async (id: string) =>
    (
      await queryDb<{ status: string; cancel_reason: string }>(
        service.ctx.databaseUrl,
        'SELECT status, cancel_reason FROM orders WHERE id = $1',
        [id],
      )
    )[0]!;

  it('cancels an order never paid, releases its stock and announces it', async () => {
    const before = await stock();
    const { order } = await place();
    expect(await stock()).toBe(before - 2);
    await waitFor(async () => (await statusOf(order.id)).status === 'cancelled', {
      what: 'order expired',
    });
    expect((await statusOf(order.id)).cancel_reason).toBe('payment not received in time');
    expect(await stock()).toBe(before);
    const [message] = await readTopic(
      service.ctx.namespace + Topics.orders,
      (m) =>
        m.key?.toString() === order.id &&
        m.headers?.ce_type?.toString() === 'dev.switchyard.order.cancelled.v1',
    );
    expect(message).toBeDefined();
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(metrics).toMatch(/orders_expired_total [1-9]/);
  });

  it('expires the other orders when one of them cannot be expired', async () => {
    // An order whose release must fail: its product's stock is at the column's maximum.
    const admin = `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] })}`;
    const product = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/products',
        headers: { authorization: admin },
        payload: {
          sku: `FULL-${Date.now()}`,
          name: 'Full shelf',
          price: { amount: 100, currency: 'EUR' },
          stock: 10,
        },
      })
    ).json();
    const stuck = (
      await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: {
          authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`,
        },
        payload: { lines: [{ productId: product.id, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      })
    ).json();
    await queryDb(service.ctx.databaseUrl, 'UPDATE products SET stock = 2147483647 WHERE id = $1', [
      product.id,
    ]);
    const { order } = await place();

    await waitFor(async () => (await statusOf(order.id)).status === 'cancelled', {
      what: 'the other order expired',
    });
    const [row] = await queryDb<{ status: string; expiry_failures: number }>(
      service.ctx.databaseUrl,
      'SELECT status, expiry_failures FROM orders WHERE id = $1',
      [stuck.id],
    );
    expect(row!.status).toBe('pending_payment');
    expect(row!.expiry_failures).toBeGreaterThanOrEqual(1);
  });

  it('expires each order once even when several sweepers run at once', async () => {
    const orders = await Promise.all([1, 2, 3, 4].map(() => place()));
    const future = new Date(Date.now() + 60_000);
    await Promise.all(
      [1, 2, 3].map(() => expireUnpaidOrders(service.app.db, { olderThan: future })),
    );
    await waitFor(async () => {
      const rows = await queryDb(
        service.ctx.databaseUrl,
        "SELECT 1 FROM orders WHERE id = ANY($1::uuid[]) AND status = 'cancelled'",
        [orders.map((o) => o.order.id)],
      );
      return rows.length === 4;
    });
    for (const { order } of orders) {
      const cancellations = await queryDb(
        service.ctx.databaseUrl,
        "SELECT 1 FROM order_status_changes WHERE order_id = $1 AND to_status = 'cancelled'",
        [order.id],
      );
      const events = await queryDb(
        service.ctx.databaseUrl,
        "SELECT 1 FROM outbox_events WHERE message_key = $1 AND event_type = 'order.cancelled'",
        [order.id],
      );
      expect([cancellations.length, events.length]).toEqual([1, 1]);
    }
  });

  it('keeps an expired order cancelled when a late payment arrives, and counts it for follow-up', async () => {
    const { userId, order } = await place();
    await waitFor(async () => (await statusOf(order.id)).status === 'cancelled', {
      what: 'order expired',
    });
    await publishEvent(
      service.ctx.namespace,
      paymentSucceeded({
        orderId: order.id,
        userId,
        amount: order.total,
        providerChargeId: 'ch_late',
      }),
    );
    await waitFor(
      async () =>
        /payments_for_cancelled_orders_total [1-9]/.test(
          (await service.app.inject({ url: '/metrics' })).body,
        ),
      {
        what: 'late payment counted',
      },
    );
    expect((await statusOf(order.id)).status).toBe('cancelled');
  });
});
