import { randomUUID } from 'node:crypto';
import { queryDb, waitFor } from '@switchyard/testing';
import { POSTER, startOrderService } from '../support.js';

/** The poster: 5 in the demo catalog. */
describe('low-stock alerts', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let admin: string;

  beforeAll(async () => {
    service = await startOrderService({
      LOW_STOCK_DEFAULT_THRESHOLD: '2',
      LOW_STOCK_DISPATCH_INTERVAL_MS: '100',
    });
    admin = await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] });
    await waitFor(
      async () =>
        (await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM low_stock_settings')).length === 1,
      { what: 'settings applied' },
    );
  });
  afterAll(() => service.close());

  const as = (token: string) => ({ authorization: `Bearer ${token}` });
  const lowStockEvents = async () =>
    queryDb<{ payload: string }>(
      service.ctx.databaseUrl,
      "SELECT payload FROM outbox_events WHERE event_type = 'product.low_stock' ORDER BY seq",
    ).then((rows) => rows.map((r) => JSON.parse(r.payload)));
  async function order(quantity: number) {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: as(await service.ctx.jwks.sign({ userId: randomUUID() })),
      payload: { lines: [{ productId: POSTER, quantity }], paymentMethod: 'pm_card_visa' },
    });
    return res.statusCode;
  }
  const setStock = async (stock: number) =>
    expect(
      (
        await service.app.inject({
          method: 'PATCH',
          url: `/v1/products/${POSTER}`,
          headers: as(admin),
          payload: { stock },
        })
      ).statusCode,
    ).toBe(200);

  it('shows and sets a threshold through the admin API, with 4xx for bad input', async () => {
    const shown = await service.app.inject({
      url: `/v1/admin/products/${POSTER}/low-stock`,
      headers: as(admin),
    });
    expect(shown.statusCode).toBe(200);
    expect(shown.json()).toEqual({
      productId: POSTER,
      stock: 5,
      threshold: null,
      effectiveThreshold: 2,
      alerted: false,
    });
    const put = (payload: unknown, token = admin, id = POSTER) =>
      service.app.inject({
        method: 'PUT',
        url: `/v1/admin/products/${id}/low-stock`,
        headers: as(token),
        payload: payload as object,
      });
    expect((await put({ threshold: -1 })).statusCode).toBe(400);
    expect((await put({ threshold: '3' })).statusCode).toBe(400);
    expect((await put({ threshold: 3, extra: 1 })).statusCode).toBe(400);
    expect((await put({ threshold: 3 }, admin, randomUUID())).statusCode).toBe(404);
    const customer = await service.ctx.jwks.sign({ userId: randomUUID() });
    expect((await put({ threshold: 3 }, customer)).statusCode).toBe(403);
    const set = await put({ threshold: 3 });
    expect(set.statusCode).toBe(200);
    expect(set.json()).toMatchObject({ threshold: 3, effectiveThreshold: 3, alerted: false });
  });

  it('alerts once when concurrent orders take the stock under the threshold, not on every order', async () => {
    // 5 in stock, threshold 3: five concurrent orders of one; the stock crosses at the third.
    const statuses = await Promise.all(Array.from({ length: 5 }, () => order(1)));
    expect(statuses).toEqual([201, 201, 201, 201, 201]);
    await waitFor(async () => (await lowStockEvents()).length === 1, { what: 'one alert' });
    const [alert] = await lowStockEvents();
    expect(alert).toMatchObject({ productId: POSTER, sku: 'MAP-001', stock: 2, threshold: 3 });
    // Later orders under the threshold add no alert.
    await setStock(2);
    expect(await order(1)).toBe(201);
    await new Promise((r) => setTimeout(r, 500));
    expect(await lowStockEvents()).toHaveLength(1);
    const [row] = await queryDb<{ published: number }>(
      service.ctx.databaseUrl,
      'SELECT count(*)::int AS published FROM low_stock_alerts WHERE published_at IS NOT NULL',
    );
    expect(row!.published).toBe(1);
  });

  it('is armed again when the stock rises back to the threshold, and alerts at the next crossing', async () => {
    await setStock(10);
    const view = await service.app.inject({
      url: `/v1/admin/products/${POSTER}/low-stock`,
      headers: as(admin),
    });
    expect(view.json()).toMatchObject({ stock: 10, alerted: false });
    expect(await order(8)).toBe(201);
    await waitFor(async () => (await lowStockEvents()).length === 2, { what: 'second alert' });
    expect((await lowStockEvents())[1]).toMatchObject({ productId: POSTER, stock: 2 });
  });

  // An operator restocking in psql, a migration or a pgbench script may run with a search_path
  // that does not name the service's schema; the stock triggers must still find their tables.
  it('reaches its tables from a session whose search_path does not name the schema', async () => {
    await queryDb(
      service.ctx.databaseUrl,
      `SET search_path = pg_catalog;
       UPDATE public.products SET stock = 10 WHERE id = '${POSTER}';
       UPDATE public.products SET stock = 1 WHERE id = '${POSTER}';
       UPDATE public.products SET name = name || ' (restocked)' WHERE id = '${POSTER}'`,
    );
    const [row] = await queryDb<{ stock: number; low_stock_alerted: boolean }>(
      service.ctx.databaseUrl,
      `SELECT stock, low_stock_alerted FROM products WHERE id = '${POSTER}'`,
    );
    expect(row).toEqual({ stock: 1, low_stock_alerted: true });
  });
});

describe('low-stock alerts turned off', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;

  beforeAll(async () => {
    service = await startOrderService({
      LOW_STOCK_ALERTS_ENABLED: 'false',
      LOW_STOCK_DEFAULT_THRESHOLD: '4',
      LOW_STOCK_DISPATCH_INTERVAL_MS: '100',
    });
  });
  afterAll(() => service.close());

  it('records no crossing and publishes nothing', async () => {
    await waitFor(
      async () =>
        (
          await queryDb(
            service.ctx.databaseUrl,
            'SELECT 1 FROM low_stock_settings WHERE NOT enabled',
          )
        ).length === 1,
      { what: 'settings applied' },
    );
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}` },
      payload: { lines: [{ productId: POSTER, quantity: 3 }], paymentMethod: 'pm_card_visa' },
    });
    expect(res.statusCode).toBe(201);
    await new Promise((r) => setTimeout(r, 300));
    const alerts = await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM low_stock_alerts');
    expect(alerts).toHaveLength(0);
  });
});
