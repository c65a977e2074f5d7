// The database's floor for an order: every statement the saga makes in the order, payment and
// notification databases, run by pgbench as one script with no application, broker or network
// hop in between. The three services' schemas live side by side in one scratch database (a
// schema each, statements schema-qualified), since a pgbench script talks to one database.
import path from 'node:path';
import { ensureDatabase, migrate, seed } from '@switchyard/db';
import { queryDb, repoRoot, resetDatabase, testDatabaseUrl } from '@switchyard/testing';
import { runPgbench } from './pgbench.js';
const SERVICES = ['order', 'payment', 'notification'] as const;

/** A fresh database with a schema per service, each migrated, the catalog seeded, stock ample. */
export async function prepareSagaFloorDatabase(): Promise<string> {
  const url = testDatabaseUrl('bench_saga_floor');
  await ensureDatabase(url);
  await resetDatabase(url);
  for (const service of SERVICES) {
    await queryDb(
      url,
      `DROP SCHEMA IF EXISTS ${service}_svc CASCADE; CREATE SCHEMA ${service}_svc`,
    );
    const inSchema = new URL(url);
    inSchema.searchParams.set('options', `-c search_path=${service}_svc,public`);
    await migrate({
      databaseUrl: inSchema.toString(),
      migrationsDir: path.join(repoRoot(), `services/${service}/prisma/migrations`),
    });
    if (service === 'order')
      await seed({
        databaseUrl: inSchema.toString(),
        seedFiles: [path.join(repoRoot(), 'services/order/prisma/seed/demo-catalog.sql')],
      });
  }
  await queryDb(url, 'UPDATE order_svc.products SET stock = 100000000');
  return url;
}

/** Orders per second the saga's statements reach at `clients` connections. */
export const pgbenchSagaFloor = (databaseUrl: string, clients: number, seconds: number) =>
  runPgbench(databaseUrl, 'saga-floor.pgbench.sql', clients, seconds);
