import pg from 'pg';
import { ensureDatabase, withDatabase } from '../src/index.js';

const adminUrl = process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';

/**
 * A database of this test file's own (named after it and the process), created before its
 * tests and dropped after; `rows` runs one query on it.
 */
export function testDatabase(name: string) {
  const url = withDatabase(adminUrl, `switchyard_${name}_${process.pid}`);
  beforeAll(async () => {
    await ensureDatabase(url);
  });
  afterAll(async () => {
    const admin = new pg.Client({ connectionString: adminUrl });
    await admin.connect();
    await admin.query(
      `DROP DATABASE IF EXISTS ${pg.escapeIdentifier(new URL(url).pathname.slice(1))} WITH (FORCE)`,
    );
    await admin.end();
  });
  const query = async (sql: string): Promise<pg.QueryResult> => {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    try {
      return await client.query(sql);
    } finally {
      await client.end();
    }
  };
  return { url, query };
}
