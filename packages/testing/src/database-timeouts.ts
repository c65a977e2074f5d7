/// <reference types="jest" />
import { ensureDatabase } from '@switchyard/db';
import { isTransientError, type DatabaseTimeouts } from '@switchyard/service-kit';
import { startSilentServer } from './silent-server.js';
import { testDatabaseUrl } from './test-database.js';

/** What the suite needs of a service's database handle (its Prisma client, at least). */
interface ServiceDb {
  $queryRawUnsafe(sql: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

export interface DatabaseTimeoutsOptions<D extends ServiceDb> {
  /** The service, as its test database is named (`order` → switchyard_order_test_<tag>). */
  service: string;
  /** The service's own `createDb`, exactly as the service builds its pool. */
  createDb: (databaseUrl: string, timeouts: DatabaseTimeouts) => D;
  /**
   * Every way the service sends a statement, by name (the test names say which); by default
   * Prisma only. A service that also reads through its raw pool names both.
   */
  queryPaths?: Record<string, (db: D, sql: string) => Promise<unknown>>;
}

/** How a promise failed (null when it did not). */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

/**
 * The service's pool gives up on a database that does not answer: a statement past
 * DB_STATEMENT_TIMEOUT_MS is cancelled by PostgreSQL, a connect past DB_CONNECT_TIMEOUT_MS is
 * abandoned. Both fail as "briefly unavailable" (a 503 with Retry-After at the HTTP edge, a
 * retried message). One suite for every service, run against its real test database.
 */
export function describeDatabaseTimeouts<D extends ServiceDb>(
  options: DatabaseTimeoutsOptions<D>,
): void {
  const paths = Object.entries(
    options.queryPaths ?? { Prisma: (db: D, sql: string) => db.$queryRawUnsafe(sql) },
  );
  const through = paths.map(([name]) => `through ${name}`).join(' and ');

  describe(`the ${options.service} database pool`, () => {
    const url = testDatabaseUrl(options.service);
    beforeAll(() => ensureDatabase(url));

    it(`cancels a statement that runs past DB_STATEMENT_TIMEOUT_MS, ${through}`, async () => {
      const db = options.createDb(url, {
        DB_CONNECT_TIMEOUT_MS: 2_000,
        DB_STATEMENT_TIMEOUT_MS: 300,
      });
      try {
        for (const [, query] of paths) {
          const error = await failureOf(query(db, 'SELECT 1 AS slept FROM pg_sleep(20)'));
          expect(String(error)).toMatch(/canceling statement due to statement timeout/);
          expect(isTransientError(error)).toBe(true);
        }
      } finally {
        await db.$disconnect();
      }
    });

    it(`gives up on a database that never answers the connect, after DB_CONNECT_TIMEOUT_MS, ${through}`, async () => {
      const silent = await startSilentServer();
      const db = options.createDb(silent.url('postgresql', `/${options.service}`), {
        DB_CONNECT_TIMEOUT_MS: 300,
        DB_STATEMENT_TIMEOUT_MS: 1_000,
      });
      try {
        for (const [, query] of paths) {
          const error = await failureOf(query(db, 'SELECT 1'));
          expect(error).not.toBeNull();
          expect(isTransientError(error)).toBe(true);
        }
      } finally {
        await db.$disconnect();
        await silent.close();
      }
    });
  });
}
