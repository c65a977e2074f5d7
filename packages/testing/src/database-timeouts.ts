/// <reference types="jest" />
import { ensureDatabase } from '@switchyard/db';
import { isTransientError, type DatabasePoolSettings } from '@switchyard/service-kit';
import pg from 'pg';
import { startSilentServer } from './silent-server.js';
import { testDatabaseUrl } from './test-database.js';
import { waitFor } from './wait-for.js';

/** What the suite needs of a service's database handle (its Prisma client, at least). */
interface ServiceDb {
  $queryRawUnsafe(sql: string): Promise<unknown>;
  $disconnect(): Promise<void>;
}

export interface DatabaseTimeoutsOptions<D extends ServiceDb> {
  /** The service, as its test database is named (`order` → switchyard_order_test_<tag>). */
  service: string;
  /** The service's own `createDb`, exactly as the service builds its pool. */
  createDb: (databaseUrl: string, settings: Partial<DatabasePoolSettings>) => D;
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
 * The service's pool holds at most DB_POOL_MAX connections, and gives up on a database that does not answer: a statement past
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

    it(`opens at most DB_POOL_MAX connections: one more statement waits for one, then gives up after DB_CONNECT_TIMEOUT_MS, ${through}`, async () => {
      // Statements that wait on a lock this test holds, each keeping its connection meanwhile.
      const lock = 0x5ca1ab1e;
      const holder = new pg.Client({ connectionString: url });
      await holder.connect();
      await holder.query('SELECT pg_advisory_lock($1)', [lock]);
      const db = options.createDb(url, {
        DB_POOL_MAX: 2,
        DB_CONNECT_TIMEOUT_MS: 300,
        DB_STATEMENT_TIMEOUT_MS: 20_000,
      });
      const blocked: Promise<unknown>[] = [];
      try {
        for (const [, query] of paths) {
          // Started now (a Prisma query runs only once awaited), settled when the lock is let go.
          const waitOnLock = () =>
            failureOf(
              query(db, `SELECT true AS waited FROM pg_advisory_xact_lock_shared(${lock})`),
            );
          blocked.push(waitOnLock(), waitOnLock());
          const waiting = async () =>
            (
              await holder.query(
                `SELECT count(*)::int AS n FROM pg_locks
                  WHERE locktype = 'advisory' AND NOT granted AND pid <> pg_backend_pid()
                    AND database = (SELECT oid FROM pg_database WHERE datname = current_database())`,
              )
            ).rows[0].n as number;
          await waitFor(async () => (await waiting()) === 2, {
            what: 'both pool connections waiting on the lock',
          });
          const error = await failureOf(query(db, 'SELECT 1'));
          expect(String(error)).toMatch(/timeout exceeded when trying to connect/);
          expect(isTransientError(error)).toBe(true);
          await holder.query('SELECT pg_advisory_unlock($1)', [lock]);
          await Promise.all(blocked.splice(0));
          await holder.query('SELECT pg_advisory_lock($1)', [lock]);
        }
      } finally {
        await holder.query('SELECT pg_advisory_unlock_all()');
        await Promise.allSettled(blocked);
        await holder.end();
        await db.$disconnect();
      }
    });
  });
}
