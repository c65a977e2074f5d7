import { readFile } from 'node:fs/promises';
import pg from 'pg';
import { ensureDatabase, withDatabase } from '@switchyard/db';
import type { AuditDb, AuditSql } from '../../src/index.js';

const sqlOf = (client: pg.Pool | pg.PoolClient): AuditSql => ({
  $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) =>
    (await client.query(query, values)).rows as T,
  $executeRawUnsafe: async (query: string, ...values: unknown[]) =>
    (await client.query(query, values)).rowCount ?? 0,
});

/**
 * The trail's client interface on node-postgres (what a service's Prisma client gives it):
 * raw SQL, and transactions on one connection of the pool.
 */
export function pgAuditDb(pool: pg.Pool): AuditDb {
  return {
    ...sqlOf(pool),
    async $transaction(fn, options) {
      const client = await pool.connect();
      try {
        await client.query(
          options?.isolationLevel === 'RepeatableRead'
            ? 'BEGIN ISOLATION LEVEL REPEATABLE READ'
            : 'BEGIN',
        );
        const result = await fn(sqlOf(client));
        await client.query('COMMIT');
        return result;
      } catch (error) {
        await client.query('ROLLBACK');
        throw error;
      } finally {
        client.release();
      }
    },
  };
}

/**
 * This package's test database, named as @switchyard/testing names them (TEST_DATABASE_TAG).
 * Not imported from there: @switchyard/testing needs @switchyard/messaging, which records its
 * dead-letter replays through this package — a build cycle.
 */
function auditTestDatabaseUrl(): string {
  const admin = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
  const tag = process.env.TEST_DATABASE_TAG ?? '';
  if (!/^[a-z0-9_]*$/.test(tag)) throw new Error('TEST_DATABASE_TAG: only a-z, 0-9 and _');
  return withDatabase(admin, `switchyard_audit_test${tag ? `_${tag}` : ''}`);
}

/** A fresh database with the trail's tables, as a service's migration creates them. */
export async function auditTestDatabase(): Promise<string> {
  const url = auditTestDatabaseUrl();
  await ensureDatabase(url);
  const ddl = await readFile(new URL('../../sql/audit-tables.sql', import.meta.url), 'utf8');
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    await client.query('DROP SCHEMA IF EXISTS public CASCADE; CREATE SCHEMA public');
    await client.query(ddl);
  } finally {
    await client.end();
  }
  return url;
}
