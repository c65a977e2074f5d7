import { readdir } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Runs one SQL query on the service's own database client (e.g. Prisma's `$queryRawUnsafe`). */
export type QueryRows = (sql: string) => Promise<unknown[]>;

const APPLIED_MIGRATIONS_SQL =
  'SELECT migration_name FROM _prisma_migrations WHERE finished_at IS NOT NULL AND rolled_back_at IS NULL';

export class SchemaBehindError extends Error {
  override name = 'SchemaBehindError';
  constructor(readonly missing: string[]) {
    super(
      `the database schema is older than this code: ${missing.length} migration(s) not applied ` +
        `(${missing.join(', ')}); run the migrations first`,
    );
  }
}

/**
 * A readiness check that passes only once every migration shipped with this code has been
 * applied. During a rolling deploy a new replica then waits, not ready, until the migration
 * step has run, instead of serving against tables it does not know. Once current it stays
 * current (migrations only move forward), so later checks do not query.
 */
export function schemaCurrencyCheck(options: {
  migrationsDir: string | URL;
  query: QueryRows;
}): () => Promise<void> {
  const dir =
    options.migrationsDir instanceof URL
      ? fileURLToPath(options.migrationsDir)
      : options.migrationsDir;
  let expected: Promise<string[]> | undefined;
  let current = false;
  return async () => {
    if (current) return;
    expected ??= readdir(dir, { withFileTypes: true }).then((entries) =>
      entries.filter((e) => e.isDirectory()).map((e) => e.name),
    );
    const rows = (await options.query(APPLIED_MIGRATIONS_SQL)) as { migration_name: string }[];
    const applied = new Set(rows.map((row) => row.migration_name));
    const missing = (await expected).filter((name) => !applied.has(name)).sort();
    if (missing.length > 0) throw new SchemaBehindError(missing);
    current = true;
  };
}
