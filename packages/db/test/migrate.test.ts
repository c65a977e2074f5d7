import { mkdtemp, mkdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { findSchemaDrift, migrate } from '../src/index.js';
import { testDatabase } from './test-database.js';

const { url: databaseUrl, query: sql } = testDatabase('db_test');

async function writeMigration(dir: string, name: string, body: string): Promise<void> {
  await mkdir(path.join(dir, name), { recursive: true });
  await writeFile(path.join(dir, name, 'migration.sql'), body);
}

describe('migrate', () => {
  let dir: string;

  beforeEach(async () => {
    dir = await mkdtemp(path.join(tmpdir(), 'migrations-'));
    await sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
  });

  it('applies pending migrations once, in order, and records their checksums', async () => {
    await writeMigration(dir, '001_a', 'CREATE TABLE a (id int primary key);');
    await writeMigration(dir, '002_b', 'CREATE TABLE b (id int primary key);');
    expect(await migrate({ databaseUrl, migrationsDir: dir })).toEqual(['001_a', '002_b']);
    expect(await migrate({ databaseUrl, migrationsDir: dir })).toEqual([]);
    const rows = await sql('SELECT migration_name, checksum FROM _prisma_migrations ORDER BY 1');
    expect(rows.rows.map((r) => r.migration_name)).toEqual(['001_a', '002_b']);
    expect(rows.rows[0].checksum).toMatch(/^[0-9a-f]{64}$/);
  });

  it('rolls back a failing migration whole and reports which one failed', async () => {
    await writeMigration(dir, '001_bad', 'CREATE TABLE c (id int); SELECT * FROM nowhere;');
    await expect(migrate({ databaseUrl, migrationsDir: dir })).rejects.toThrow(/001_bad failed/);
    const tables = await sql(`SELECT to_regclass('public.c') AS c`);
    expect(tables.rows[0].c).toBeNull();
  });

  it('refuses to run when an applied migration was edited', async () => {
    await writeMigration(dir, '001_a', 'CREATE TABLE a (id int primary key);');
    await migrate({ databaseUrl, migrationsDir: dir });
    await writeMigration(dir, '001_a', 'CREATE TABLE a (id bigint primary key);');
    await expect(migrate({ databaseUrl, migrationsDir: dir })).rejects.toThrow(/checksum/);
  });

  it('lets concurrent runners take turns so each migration applies once', async () => {
    await writeMigration(dir, '001_a', 'CREATE TABLE a (id int primary key);');
    const results = await Promise.all(
      [1, 2, 3].map(() => migrate({ databaseUrl, migrationsDir: dir })),
    );
    expect(results.flat()).toEqual(['001_a']);
  });
});

describe('findSchemaDrift', () => {
  it('finds nothing when schema and database agree, and names each difference otherwise', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'schema-'));
    const schemaPath = path.join(dir, 'schema.prisma');
    await writeFile(
      schemaPath,
      `datasource db {
  provider = "postgresql"
}
model Thing {
  id    String  @id @db.Uuid
  label String?
  count Int     @map("item_count")
  @@map("things")
}`,
    );
    await sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await sql('CREATE TABLE things (id uuid primary key, label text, item_count int not null)');
    expect(await findSchemaDrift({ schemaPath, databaseUrl })).toEqual([]);

    await sql('ALTER TABLE things ALTER COLUMN label SET NOT NULL, ADD COLUMN extra text');
    await sql('CREATE TABLE stray (id int)');
    const drift = await findSchemaDrift({ schemaPath, databaseUrl });
    expect(drift).toEqual(
      expect.arrayContaining([
        expect.stringContaining('things.label is NOT NULL'),
        expect.stringContaining('things.extra exists in the database'),
        expect.stringContaining('table stray exists'),
      ]),
    );
  });
});

describe('findSchemaDrift with columns Prisma cannot type', () => {
  it('checks an Unsupported("…") field like any other: its column, type and nullability', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'schema-'));
    const schemaPath = path.join(dir, 'schema.prisma');
    await writeFile(
      schemaPath,
      `datasource db {
  provider = "postgresql"
}
/// A document, searchable.
model Doc {
  id       String                   @id @db.Uuid
  body     String
  /// Kept by the database (a generated column).
  bodyText Unsupported("tsvector")? @map("body_text")
  shape    Unsupported("point")

  @@index([bodyText], type: Gin)
  @@map("docs")
}`,
    );
    await sql('DROP SCHEMA public CASCADE; CREATE SCHEMA public;');
    await sql(
      `CREATE TABLE docs (id uuid primary key, body text not null,
         body_text tsvector GENERATED ALWAYS AS (to_tsvector('simple', body)) STORED,
         shape point not null)`,
    );
    expect(await findSchemaDrift({ schemaPath, databaseUrl })).toEqual([]);

    await sql('ALTER TABLE docs DROP COLUMN body_text, ALTER COLUMN shape DROP NOT NULL');
    await sql('ALTER TABLE docs ADD COLUMN body_text text');
    expect(await findSchemaDrift({ schemaPath, databaseUrl })).toEqual(
      expect.arrayContaining([
        'column docs.body_text is text, schema says tsvector',
        expect.stringContaining('docs.shape is nullable'),
      ]),
    );
    await sql('ALTER TABLE docs DROP COLUMN body_text');
    expect(await findSchemaDrift({ schemaPath, databaseUrl })).toEqual(
      expect.arrayContaining(['column docs.body_text is missing from the database']),
    );
  });
});
