import { Redis } from 'ioredis';
import { markDisabled, undocumentedRoutes } from '@switchyard/service-kit';
import { randomUUID } from 'node:crypto';
import { Topics } from '@switchyard/contracts';
import { findSchemaDrift } from '@switchyard/db';
import { metricValue, parseMessage, queryDb, readTopic, waitFor } from '@switchyard/testing';
import path from 'node:path';
import { LANTERN, MUG, POSTER, serviceDir, startOrderService, stockOf } from '../support.js';

describe('order service HTTP API', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const alice = randomUUID();
  const bob = randomUUID();
  const auth = async (userId: string) => ({
    authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}`,
  });
  const stockOfProduct = (id: string) => stockOf(service.ctx.databaseUrl, id);
  const placements = async (labels: Record<string, string>) =>
    metricValue(
      (await service.app.inject({ url: '/metrics' })).body,
      'orders_placed_total',
      labels,
    );

  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  it('documents every route it serves in its OpenAPI document', () => {
    expect(service.app.routeInventory.length).toBeGreaterThan(4);
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });

  it("refuses a disabled user's still-valid token itself, not only at the gateway", async () => {
    const userId = randomUUID();
    const headers = await auth(userId);
    expect((await service.app.inject({ url: '/v1/orders', headers })).statusCode).toBe(200);
    const redis = new Redis('redis://127.0.0.1:6379');
    // As auth disables a user: the entry written and announced to every process's list.
    await markDisabled(redis, userId, 60);
    await redis.quit();
    let refused = await service.app.inject({ url: '/v1/orders', headers });
    await waitFor(async () => {
      refused = await service.app.inject({ url: '/v1/orders', headers });
      return refused.statusCode === 401;
    });
    expect(refused.statusCode).toBe(401);
    expect(refused.headers['content-type']).toMatch(/application\/problem\+json/);
  });

  it('has a migrated database that matches schema.prisma', async () => {
    const drift = await findSchemaDrift({
      schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
      databaseUrl: service.ctx.databaseUrl,
    });
    expect(drift).toEqual([]);
  });

  describe('GET /v1/products', () => {
    it('lists the seeded catalog without a token, prices in minor units', async () => {
      const res = await service.app.inject({ url: '/v1/products' });
      expect(res.statusCode).toBe(200);
      const mug = res.json().items.find((p: { id: string }) => p.id === MUG);
      expect(mug).toMatchObject({ sku: 'MUG-001', price: { amount: 1250, currency: 'EUR' } });
    });

    it('answers an unknown product with a 404 problem', async () => {
      const res = await service.app.inject({ url: `/v1/products/${randomUUID()}` });
      expect(res.statusCode).toBe(404);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
    });
  });

  describe('POST /v1/orders', () => {
    it('rejects a request without a token', async () => {
      const res = await service.app.inject({ method: 'POST', url: '/v1/orders', payload: {} });
      expect(res.statusCode).toBe(401);
      expect(res.json().code).toBe('UNAUTHENTICATED');
    });

    it('prices the order from the catalog, reserves stock and publishes order.created', async () => {
      const placed = await placements({ outcome: 'placed' });
      const before = await stockOfProduct(MUG);
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(alice),
        payload: { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
      });
      expect(res.statusCode).toBe(201);
      expect(await placements({ outcome: 'placed' })).toBe(placed + 1);
      const order = res.json();
      expect(order).toMatchObject({
        status: 'pending_payment',
        total: { amount: 2500, currency: 'EUR' },
      });
      expect(res.headers.location).toBe(`/v1/orders/${order.id}`);
      expect(await stockOfProduct(MUG)).toBe(before - 2);

      const [message] = await readTopic(
        service.ctx.namespace + Topics.orders,
        (m) => m.key?.toString() === order.id,
      );
      const event = parseMessage(message!);
      expect(event.name).toBe('order.created');
      expect(event.data).toMatchObject({
        orderId: order.id,
        userId: alice,
        total: { amount: 2500, currency: 'EUR' },
      });
      await waitFor(async () => {
        const rows = await queryDb(
          service.ctx.databaseUrl,
          'SELECT 1 FROM outbox_events WHERE published_at IS NULL',
        );
        return rows.length === 0;
      });
    });

    it('stamps orders to the millisecond, the precision of its list cursor, so paging skips none', async () => {
      for (let i = 0; i < 3; i++)
        await service.app.inject({
          method: 'POST',
          url: '/v1/orders',
          headers: await auth(alice),
          payload: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
        });
      const finer = await queryDb<{ n: number }>(
        service.ctx.databaseUrl,
        `SELECT count(*)::int AS n FROM orders
          WHERE user_id = $1 AND created_at <> date_trunc('milliseconds', created_at)`,
        [alice],
      );
      expect(finer[0]!.n).toBe(0);
    });

    it('refuses a client-set price or status (unknown properties)', async () => {
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(alice),
        payload: {
          lines: [{ productId: MUG, quantity: 1, unitPrice: 1 }],
          paymentMethod: 'pm_card_visa',
          status: 'paid',
        },
      });
      expect(res.statusCode).toBe(400);
      expect(res.json().code).toBe('VALIDATION_FAILED');
    });

    it('refuses more units than are in stock and leaves the stock unchanged', async () => {
      const refusals = await placements({ outcome: 'refused', reason: 'conflict' });
      const before = await stockOfProduct(POSTER);
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(alice),
        payload: {
          lines: [{ productId: POSTER, quantity: before + 1 }],
          paymentMethod: 'pm_card_visa',
        },
      });
      expect(res.statusCode).toBe(409);
      expect(res.json().detail).toMatch(/not enough stock/);
      expect(await stockOfProduct(POSTER)).toBe(before);
      // Operators see it: orders_placed_total{outcome="refused",reason="conflict"}.
      expect(await placements({ outcome: 'refused', reason: 'conflict' })).toBe(refusals + 1);
    });

    it('refuses an unknown product with a 422', async () => {
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(alice),
        payload: {
          lines: [{ productId: randomUUID(), quantity: 1 }],
          paymentMethod: 'pm_card_visa',
        },
      });
      expect(res.statusCode).toBe(422);
    });

    it('refuses with a 422 an order whose total is more than any amount can be, and places nothing', async () => {
      // The catalog's dearest price (10^8 minor units) × the most units of a line (100):
      // 10^10, over the largest amount any service stores or any event carries (2^31 − 1).
      const admin = {
        authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['customer', 'admin'] })}`,
      };
      const created = await service.app.inject({
        method: 'POST',
        url: '/v1/products',
        headers: admin,
        payload: {
          sku: `YACHT-${randomUUID().slice(0, 8).toUpperCase()}`,
          name: 'Steam yacht',
          price: { amount: 100_000_000, currency: 'EUR' },
          stock: 100,
        },
      });
      expect(created.statusCode).toBe(201);
      const yacht = created.json().id as string;
      const buyer = randomUUID();
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(buyer),
        payload: { lines: [{ productId: yacht, quantity: 100 }], paymentMethod: 'pm_card_visa' },
      });
      expect(res.statusCode).toBe(422);
      expect(res.headers['content-type']).toMatch(/application\/problem\+json/);
      expect(res.json()).toMatchObject({ code: 'UNPROCESSABLE' });
      expect(res.json().detail).toMatch(/total.*is more than one order may total/);
      expect(await stockOfProduct(yacht)).toBe(100);
      expect(
        await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM orders WHERE user_id = $1', [buyer]),
      ).toEqual([]);
      // The largest total that fits is placed.
      const fits = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(buyer),
        payload: { lines: [{ productId: yacht, quantity: 21 }], paymentMethod: 'pm_card_visa' },
      });
      expect(fits.statusCode).toBe(201);
      expect(fits.json().total).toEqual({ amount: 2_100_000_000, currency: 'EUR' });
    });

    it('never sells more than the stock under concurrent orders', async () => {
      const stock = await stockOfProduct(LANTERN);
      const attempts = stock + 10;
      const headers = await auth(bob);
      const results = await Promise.all(
        Array.from({ length: attempts }, () =>
          service.app.inject({
            method: 'POST',
            url: '/v1/orders',
            headers,
            payload: {
              lines: [{ productId: LANTERN, quantity: 1 }],
              paymentMethod: 'pm_card_visa',
            },
          }),
        ),
      );
      expect(results.filter((r) => r.statusCode === 201)).toHaveLength(stock);
      expect(results.filter((r) => r.statusCode === 409)).toHaveLength(10);
      expect(await stockOfProduct(LANTERN)).toBe(0);
    });
  });

  describe('GET /v1/orders/:id', () => {
    it("shows the owner their order and answers 404 for another user's", async () => {
      const created = await service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: await auth(alice),
        payload: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      });
      const id = created.json().id;
      const own = await service.app.inject({ url: `/v1/orders/${id}`, headers: await auth(alice) });
      expect(own.statusCode).toBe(200);
      expect(own.json().id).toBe(id);
      const other = await service.app.inject({ url: `/v1/orders/${id}`, headers: await auth(bob) });
      expect(other.statusCode).toBe(404);
      const list = await service.app.inject({ url: '/v1/orders', headers: await auth(bob) });
      expect(list.json().items.map((o: { id: string }) => o.id)).not.toContain(id);
    });
  });
});
