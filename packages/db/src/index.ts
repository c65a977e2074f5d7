export { ensureDatabase } from './ensure-database.js';
export { migrate, readMigrations, type Migration, type MigrateOptions } from './migrate.js';
export { seed, type SeedOptions } from './seed.js';
export { findSchemaDrift } from './find-schema-drift.js';
export { databaseNameOf, withDatabase, redactUrl } from './connection-url.js';
export { schemaCurrencyCheck, SchemaBehindError, type QueryRows } from './schema-currency.js';
export { inPgTransaction } from './pg-transaction.js';
