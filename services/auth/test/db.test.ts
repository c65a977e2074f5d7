import { ensureDatabase } from '@switchyard/db';
import { isTransientError } from '@switchyard/service-kit';
import { startSilentServer, testDatabaseUrl } from '@switchyard/testing';
import { createDb } from '../src/db.js';

/** How a promise failed (null when it did not). */
const failureOf = (promise: Promise<unknown>) =>
  promise.then(
    () => null,
    (error: unknown) => error,
  );

/**
 * The service's pool gives up on a database that does not answer: a statement past
 * DB_STATEMENT_TIMEOUT_MS is cancelled by PostgreSQL, a connect past DB_CONNECT_TIMEOUT_MS is
 * abandoned. Both fail as "briefly unavailable" (a 503 at the HTTP edge, a retried message).
 */
describe('the auth database pool', () => {
  const url = testDatabaseUrl('auth');
  beforeAll(() => ensureDatabase(url));

  it('cancels a statement that runs past DB_STATEMENT_TIMEOUT_MS', async () => {
    const db = createDb(url, { DB_CONNECT_TIMEOUT_MS: 2_000, DB_STATEMENT_TIMEOUT_MS: 300 });
    try {
      const error = await failureOf(db.$queryRawUnsafe('SELECT 1 AS slept FROM pg_sleep(20)'));
      expect(String(error)).toMatch(/canceling statement due to statement timeout/);
      expect(isTransientError(error)).toBe(true);
    } finally {
      await db.$disconnect();
    }
  });

  it('gives up on a database that never answers the connect, after DB_CONNECT_TIMEOUT_MS', async () => {
    const silent = await startSilentServer();
    const db = createDb(silent.url('postgresql', '/auth'), {
      DB_CONNECT_TIMEOUT_MS: 300,
      DB_STATEMENT_TIMEOUT_MS: 1_000,
    });
    try {
      const error = await failureOf(db.$queryRawUnsafe('SELECT 1'));
      expect(error).not.toBeNull();
      expect(isTransientError(error)).toBe(true);
    } finally {
      await db.$disconnect();
      await silent.close();
    }
  });
});
