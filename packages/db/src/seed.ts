import { readFile } from 'node:fs/promises';
import pg from 'pg';

export interface SeedOptions {
  databaseUrl: string;
  /** SQL files, applied in order, each in its own transaction. */
  seedFiles: string[];
}

/**
 * Load demo data into a migrated database: what a local stack (infra/scripts/up.sh, docker
 * compose, the end-to-end tests) needs and a production database must never get, so it is a
 * step of its own and never a migration. Seed files run on every start: each must add only
 * what is missing (INSERT … ON CONFLICT DO NOTHING) and never change what exists.
 */
export async function seed(options: SeedOptions): Promise<void> {
  const client = new pg.Client({ connectionString: options.databaseUrl });
  await client.connect();
  try {
    for (const file of options.seedFiles) {
      const sql = await readFile(file, 'utf8');
      await client.query('BEGIN');
      try {
        await client.query(sql);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK');
        throw new Error(`seed ${file} failed: ${(error as Error).message}`, { cause: error });
      }
    }
  } finally {
    await client.end();
  }
}
