import { ensureDatabase } from '@switchyard/db';
import { isTransientError, loadConfig } from '@switchyard/service-kit';
import { startSilentServer, testDatabaseUrl } from '@switchyard/testing';
import { OrderConfig } from '../src/config.js';
import { createDb } from '../src/db.js';

/** How a promise failed (null when it did not). */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error as Error & { code?: string },
  );

/**
 * The service's pool gives up on a database that does not answer: a statement past
 * DB_STATEMENT_TIMEOUT_MS is cancelled by PostgreSQL, a connect past DB_CONNECT_TIMEOUT_MS is
 * abandoned. Both fail as "briefly unavailable" (a 503 with Retry-After at the HTTP edge).
 */
describe('the order database pool', () => {
  const url = testDatabaseUrl('order');
  beforeAll(() => ensureDatabase(url));

  it('cancels a statement that runs past DB_STATEMENT_TIMEOUT_MS, through the pool and through Prisma', async () => {
    const db = createDb(url, { DB_CONNECT_TIMEOUT_MS: 2_000, DB_STATEMENT_TIMEOUT_MS: 300 });
    try {
      for (const error of [
        await failureOf(db.pool.query('SELECT 1 AS slept FROM pg_sleep(20)')),
        await failureOf(db.$queryRawUnsafe('SELECT 1 AS slept FROM pg_sleep(20)')),
      ]) {
        expect(String(error)).toMatch(/canceling statement due to statement timeout/);
        expect(isTransientError(error)).toBe(true);
      }
    } finally {
      await db.$disconnect();
    }
  });

  it('gives up on a database that never answers the connect, after DB_CONNECT_TIMEOUT_MS', async () => {
    const silent = await startSilentServer();
    const db = createDb(silent.url('postgresql', '/order'), {
      DB_CONNECT_TIMEOUT_MS: 300,
      DB_STATEMENT_TIMEOUT_MS: 1_000,
    });
    try {
      for (const error of [
        await failureOf(db.pool.query('SELECT 1')),
        await failureOf(db.$queryRawUnsafe('SELECT 1')),
      ]) {
        expect(error).not.toBeNull();
        expect(isTransientError(error)).toBe(true);
      }
    } finally {
      await db.$disconnect();
      await silent.close();
    }
  });

  it('bounds both by default, each well under the Idempotency-Key hold', () => {
    const config = loadConfig(OrderConfig, {
      PORT: '0',
      DATABASE_URL: url,
      AUTH_JWKS_URL: 'http://127.0.0.1:1/jwks.json',
    });
    expect(config.DB_CONNECT_TIMEOUT_MS).toBe(5_000);
    expect(config.DB_STATEMENT_TIMEOUT_MS).toBe(15_000);
    expect(config.IDEMPOTENCY_LOCK_MS).toBe(60_000);
    expect(() =>
      loadConfig(OrderConfig, { ...config, DB_STATEMENT_TIMEOUT_MS: '0' } as never),
    ).toThrow(/DB_STATEMENT_TIMEOUT_MS/);
  });
});
