import { loadConfig } from '@switchyard/service-kit';
import { describeDatabaseTimeouts, testDatabaseUrl } from '@switchyard/testing';
import { OrderConfig } from '../src/config.js';
import { createDb } from '../src/db.js';

// The pool cancels a slow statement and abandons a silent connect, both as transient failures,
// through the raw pool (hot reads) as through Prisma.
describeDatabaseTimeouts({
  service: 'order',
  createDb,
  queryPaths: {
    'the pool': (db, sql) => db.pool.query(sql),
    Prisma: (db, sql) => db.$queryRawUnsafe(sql),
  },
});

describe('the order database timeouts', () => {
  it('bounds both by default, each well under the Idempotency-Key hold', () => {
    const config = loadConfig(OrderConfig, {
      PORT: '0',
      DATABASE_URL: testDatabaseUrl('order'),
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
