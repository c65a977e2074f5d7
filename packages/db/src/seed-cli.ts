#!/usr/bin/env node
// Usage: switchyard-seed <file.sql>...   (reads DATABASE_URL)
// Loads demo data into a migrated database (local stacks only, never production: see seed.ts).
import { databaseNameOf } from './connection-url.js';
import { seed } from './seed.js';

const seedFiles = process.argv.slice(2);
const databaseUrl = process.env.DATABASE_URL;
if (seedFiles.length === 0 || !databaseUrl) {
  console.error('usage: DATABASE_URL=postgres://... switchyard-seed <file.sql>...');
  process.exit(2);
}
try {
  await seed({ databaseUrl, seedFiles });
  console.log(`database ${databaseNameOf(databaseUrl)}: seeded ${seedFiles.join(', ')}`);
} catch (error) {
  console.error(`seeding failed: ${(error as Error).message}`);
  process.exit(1);
}
