import { databaseNameOf, ensureDatabase, migrate, seed } from '@switchyard/db';
import type { StackProcess } from './definition.js';

/** Create each service's database if missing and apply its migrations. */
export async function migrateStack(
  processes: StackProcess[],
  log: (line: string) => void = () => {},
): Promise<void> {
  for (const process of processes) {
    if (!process.database) continue;
    const { url, migrationsDir } = process.database;
    const name = databaseNameOf(url);
    if (await ensureDatabase(url)) log(`created database ${name}`);
    const ran = await migrate({ databaseUrl: url, migrationsDir });
    log(ran.length ? `${name}: applied ${ran.join(', ')}` : `${name}: up to date`);
  }
}

/** Load each service's demo data (a local stack's only; idempotent, so on every start). */
export async function seedStack(
  processes: StackProcess[],
  log: (line: string) => void = () => {},
): Promise<void> {
  for (const process of processes) {
    if (!process.database?.seedFiles.length) continue;
    const { url, seedFiles } = process.database;
    await seed({ databaseUrl: url, seedFiles });
    log(`${databaseNameOf(url)}: demo data loaded (${seedFiles.length} seed file(s))`);
  }
}
