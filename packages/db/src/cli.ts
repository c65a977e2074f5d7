#!/usr/bin/env node
// Usage: switchyard-migrate <migrations-dir>   (reads DATABASE_URL)
// Creates the database if missing and applies pending migrations.
import { ensureDatabase } from './ensure-database.js';
import { migrate } from './migrate.js';
import { databaseNameOf } from './connection-url.js';

const migrationsDir = process.argv[2];
const databaseUrl = process.env.DATABASE_URL;
if (!migrationsDir || !databaseUrl) {
  console.error('usage: DATABASE_URL=postgres://... switchyard-migrate <migrations-dir>');
  process.exit(2);
}
try {
  if (await ensureDatabase(databaseUrl))
    console.log(`created database ${databaseNameOf(databaseUrl)}`);
  const ran = await migrate({ databaseUrl, migrationsDir, log: (m) => console.log(m) });
  if (ran.length === 0) console.log(`database ${databaseNameOf(databaseUrl)} is up to date`);
} catch (error) {
  console.error(`migration failed: ${(error as Error).message}`);
  process.exit(1);
}
