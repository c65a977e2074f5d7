import { randomUUID } from 'node:crypto';
import { queryDb, waitFor } from '@switchyard/testing';
import pg from 'pg';
import { startOrderService } from '../support.js';

/**
 * An Idempotency-Key held past its lock window is taken over by a retry; the first request,
 * still running, must then be unable to complete (fenced by the claim's owner token), or one
 * checkout becomes two orders and two charges. Real database, real locks: the first request
 * is held on a row lock, as a stall (a failover, a paused process, a slow disk) would hold it.
 */
describe('POST /v1/orders with an Idempotency-Key taken over', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let productId: string;

  beforeAll(async () => {
    // A short hold, so the test need not wait the default 60 s. The statement timeout stays
    // at its default, longer than the hold: the fence must hold whatever the stall.
    service = await startOrderService({ IDEMPOTENCY_LOCK_MS: '1000' });
    const admin = await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] });
    const created = await service.app.inject({
      method: 'POST',
      url: '/v1/products',
      headers: { authorization: `Bearer ${admin}` },
      payload: {
        sku: `KEY-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: 'Signal lamp',
        price: { amount: 4200, currency: 'EUR' },
        stock: 50,
      },
    });
    expect(created.statusCode).toBe(201);
    productId = created.json().id as string;
  });
  afterAll(() => service.close());

  /** Backends of the service waiting for a lock while inserting order lines (a placement). */
  const placementsWaiting = async () =>
    (
      await queryDb<{ n: number }>(
        service.ctx.databaseUrl,
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query LIKE 'INSERT INTO order_lines%'`,
      )
    )[0]!.n;

  const claimOf = async (userId: string, key: string) =>
    (
      await queryDb<{ state: string; held: boolean }>(
        service.ctx.databaseUrl,
        `SELECT state, locked_until > now() AS held FROM idempotency_keys
          WHERE user_id = $1 AND key = $2`,
        [userId, key],
      )
    )[0];

  it('lets only the request that holds the key place the order; the one that lost it is refused and places nothing', async () => {
    const userId = randomUUID();
    const key = randomUUID();
    const place = async () =>
      service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: {
          authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}`,
          'idempotency-key': key,
        },
        payload: { lines: [{ productId, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      });

    // Placement reads the product's key for its order lines: a row lock here stalls it.
    const stall = new pg.Client({ connectionString: service.ctx.databaseUrl });
    await stall.connect();
    let first: Awaited<ReturnType<typeof place>>;
    let retry: Awaited<ReturnType<typeof place>>;
    try {
      await stall.query('BEGIN');
      await stall.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [productId]);

      // A claims the key and stalls inside its transaction.
      const a = place();
      await waitFor(async () => (await placementsWaiting()) === 1, { what: 'A stalled' });
      // A's hold runs out while it is stalled.
      await waitFor(async () => (await claimOf(userId, key))?.held === false, {
        what: "A's hold on the key lapsed",
      });
      // B, the client's retry, takes the key over and stalls at the same place.
      const b = place();
      await waitFor(async () => (await claimOf(userId, key))?.held === true, {
        what: 'B took the key over',
      });
      await waitFor(async () => (await placementsWaiting()) === 2, { what: 'B stalled' });

      await stall.query('COMMIT');
      [first, retry] = await Promise.all([a, b]);
    } finally {
      await stall.end();
    }

    // Only the holder of the key placed an order.
    expect(retry.statusCode).toBe(201);
    const placed = retry.json().id as string;
    const orders = await queryDb<{ id: string }>(
      service.ctx.databaseUrl,
      'SELECT id::text FROM orders WHERE user_id = $1',
      [userId],
    );
    expect(orders.map((o) => o.id)).toEqual([placed]);
    // A learns that nothing was placed, and that retrying with the same key is right.
    expect(first.statusCode).toBe(409);
    expect(first.headers['content-type']).toMatch(/application\/problem\+json/);
    expect(first.headers['retry-after']).toBe('1');
    expect(first.json()).toMatchObject({ code: 'CONFLICT' });
    expect(first.json().detail).toMatch(/taken over.*nothing was placed.*retry with the same/i);
    // The key remembers B's order: the next retry gets it, and places nothing new.
    expect(await claimOf(userId, key)).toMatchObject({ state: 'completed' });
    const again = await place();
    expect(again.statusCode).toBe(201);
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.json().id).toBe(placed);
    const [stock] = await queryDb<{ stock: number }>(
      service.ctx.databaseUrl,
      'SELECT stock FROM products WHERE id = $1',
      [productId],
    );
    expect(stock!.stock).toBe(49);
  });
  it('refuses the stalled request’s commit when the retry that took its key over failed and let it go', async () => {
    // The failover of the issue: A stalls, retry B takes the key over, B fails on our side (5xx)
    // and releases the key; then A goes on. Unfenced, A committed an order no key remembered,
    // and the client's next retry placed a second one.
    const userId = randomUUID();
    const key = randomUUID();
    const place = async () =>
      service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: {
          authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}`,
          'idempotency-key': key,
        },
        payload: { lines: [{ productId, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      });
    const ordersOfUser = async () =>
      (
        await queryDb<{ id: string }>(
          service.ctx.databaseUrl,
          'SELECT id::text FROM orders WHERE user_id = $1',
          [userId],
        )
      ).map((o) => o.id);

    const stall = new pg.Client({ connectionString: service.ctx.databaseUrl });
    await stall.connect();
    let first: Awaited<ReturnType<typeof place>>;
    try {
      await stall.query('BEGIN');
      await stall.query('SELECT 1 FROM products WHERE id = $1 FOR UPDATE', [productId]);
      const a = place();
      await waitFor(async () => (await placementsWaiting()) === 1, { what: 'A stalled' });
      await waitFor(async () => (await claimOf(userId, key))?.held === false, {
        what: "A's hold on the key lapsed",
      });
      const b = place();
      await waitFor(async () => (await placementsWaiting()) === 2, { what: 'B stalled' });
      // B's statement is cancelled (as by a statement timeout): B answers 503 and lets the key go.
      await queryDb(
        service.ctx.databaseUrl,
        `SELECT pg_cancel_backend(pid) FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query LIKE 'INSERT INTO order_lines%'
          ORDER BY query_start DESC LIMIT 1`,
      );
      expect((await b).statusCode).toBe(503);
      expect(await claimOf(userId, key)).toBeUndefined();

      await stall.query('COMMIT');
      first = await a;
    } finally {
      await stall.end();
    }

    // A no longer holds the key: nothing was placed, and it says so.
    expect(first.statusCode).toBe(409);
    expect(first.json().detail).toMatch(/taken over.*nothing was placed/i);
    expect(await ordersOfUser()).toEqual([]);
    // The client's retry places the order once; the next one replays it.
    const retried = await place();
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBeUndefined();
    const replayed = await place();
    expect(replayed.headers['idempotent-replayed']).toBe('true');
    expect(await ordersOfUser()).toEqual([retried.json().id]);
  });
});
