import pg from 'pg';
import { ensureDatabase, migrate, seed, withDatabase } from '@switchyard/db';
import { allowConnections } from './faults.js';

const adminUrl = () =>
  process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * Tag of this checkout's test databases (TEST_DATABASE_TAG), so two checkouts can run their
 * suites side by side on one PostgreSQL without wiping each other's databases.
 */
export const testDatabaseTag = () => {
  const tag = process.env.TEST_DATABASE_TAG ?? '';
  if (!/^[a-z0-9_]*$/.test(tag)) throw new Error('TEST_DATABASE_TAG: only a-z, 0-9 and _');
  return tag ? `_${tag}` : '';
};

/** The URL of a service's test database (separate from its dev database). */
export function testDatabaseUrl(name: string): string {
  return withDatabase(adminUrl(), `switchyard_${name}_test${testDatabaseTag()}`);
}

/**
 * Create the database if needed, wipe it, apply the service's migrations, then its seed files
 * (demo data, e.g. the order service's demo catalog), if any.
 */
export async function prepareTestDatabase(
  name: string,
  migrationsDir: string,
  seedFiles: string[] = [],
): Promise<string> {
  const url = testDatabaseUrl(name);
  await ensureDatabase(url);
  await resetDatabase(url);
  await migrate({ databaseUrl: url, migrationsDir });
  if (seedFiles.length) await seed({ databaseUrl: url, seedFiles });
  return url;
}

/**
 * Drop everything in the database — the public schema and any other a library made (pg-boss's
 * `pgboss`: its jobs would outlive the test run that queued them) — and undo an outage a test
 * left behind.
 */
export async function resetDatabase(url: string): Promise<void> {
  await allowConnections(url, true);
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ name: string }>(
      `SELECT nspname AS name FROM pg_namespace
        WHERE nspname NOT LIKE 'pg\\_%' AND nspname <> 'information_schema'`,
    );
    for (const { name } of rows) await client.query(`DROP SCHEMA "${name}" CASCADE`);
    await client.query('CREATE SCHEMA public');
  } finally {
    await client.end();
  }
}

/** Run one query against a database (for assertions on persisted state). */
export async function queryDb<T extends pg.QueryResultRow = pg.QueryResultRow>(
  url: string,
  text: string,
  values: unknown[] = [],
): Promise<T[]> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    return (await client.query<T>(text, values)).rows;
  } finally {
    await client.end();
  }
}
