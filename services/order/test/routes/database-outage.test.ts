// While the database is away (a restart, a failover), clients are told to come back — a 503
// problem+json with Retry-After — not a 500 that reads like a bug. Found by the chaos run's
// PostgreSQL restart, where every read and every order placed answered 500.
import { randomUUID } from 'node:crypto';
import { takeDatabaseOffline } from '@switchyard/testing';
import pg from 'pg';
import { MUG, startOrderService } from '../support.js';

describe('order service while its database is away', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();

  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  it('answers 503 with Retry-After to reads and writes, and serves again once it is back', async () => {
    const authorization = `Bearer ${await service.ctx.jwks.sign({ userId })}`;
    const place = () =>
      service.app.inject({
        method: 'POST',
        url: '/v1/orders',
        headers: { authorization },
        payload: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      });
    const placed = await place();
    expect(placed.statusCode).toBe(201);

    const restore = await takeDatabaseOffline(service.ctx.databaseUrl);
    try {
      for (const res of [
        await service.app.inject({
          url: `/v1/orders/${placed.json().id}`,
          headers: { authorization },
        }),
        await place(),
      ]) {
        expect(res.statusCode).toBe(503);
        expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
        expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
        expect(res.json()).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
      }
    } finally {
      await restore();
    }
    expect((await place()).statusCode).toBe(201);
  });
});

// A database that is there but stuck (a lock held by a runaway migration, a saturated disk):
// each statement gives up after DB_STATEMENT_TIMEOUT_MS and the client is told to come back,
// rather than the request hanging for as long as the database does.
describe('order service while its database is stuck', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();

  beforeAll(async () => {
    service = await startOrderService({ DB_STATEMENT_TIMEOUT_MS: '500' });
  });
  afterAll(() => service.close());

  it('answers 503 with Retry-After once a statement outlives the statement timeout', async () => {
    const authorization = `Bearer ${await service.ctx.jwks.sign({ userId })}`;
    const stuck = new pg.Client({ connectionString: service.ctx.databaseUrl });
    await stuck.connect();
    try {
      await stuck.query('BEGIN');
      await stuck.query('LOCK TABLE orders IN ACCESS EXCLUSIVE MODE');
      const res = await service.app.inject({ url: '/v1/orders', headers: { authorization } });
      expect(res.statusCode).toBe(503);
      expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(Number(res.headers['retry-after'])).toBeGreaterThan(0);
      expect(res.json()).toMatchObject({ status: 503, code: 'UNAVAILABLE' });
    } finally {
      await stuck.end();
    }
    expect(
      (await service.app.inject({ url: '/v1/orders', headers: { authorization } })).statusCode,
    ).toBe(200);
  });
});
