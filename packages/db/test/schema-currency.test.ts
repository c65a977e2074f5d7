import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { SchemaBehindError, migrate, schemaCurrencyCheck } from '../src/index.js';
import { testDatabase } from './test-database.js';

const { url: databaseUrl, query: sql } = testDatabase('schema_currency');
const query = async (text: string) => (await sql(text)).rows;

async function migrationsDir(names: string[]): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
  for (const name of names) {
    await mkdir(path.join(dir, name));
    await writeFile(
      path.join(dir, name, 'migration.sql'),
      `CREATE TABLE t_${name.slice(-1)} (id int);`,
    );
  }
  return dir;
}

describe('schemaCurrencyCheck', () => {
  it('fails, naming what is missing, until every migration shipped with the code is applied', async () => {
    const deployed = await migrationsDir(['001_a']);
    const shipped = await migrationsDir(['001_a', '002_b']);
    // A database never migrated: not ready.
    const check = schemaCurrencyCheck({ migrationsDir: shipped, query });
    await expect(check()).rejects.toThrow();

    await migrate({ databaseUrl, migrationsDir: deployed });
    const behind = await check().catch((error: unknown) => error);
    expect(behind).toBeInstanceOf(SchemaBehindError);
    expect((behind as SchemaBehindError).missing).toEqual(['002_b']);

    await migrate({ databaseUrl, migrationsDir: shipped });
    await expect(check()).resolves.toBeUndefined();
  });

  it('accepts a database ahead of the code (an older replica during a rolling deploy)', async () => {
    const older = await migrationsDir(['001_a']);
    await migrate({ databaseUrl, migrationsDir: await migrationsDir(['001_a', '002_b']) });
    await expect(schemaCurrencyCheck({ migrationsDir: older, query })()).resolves.toBeUndefined();
  });
});
