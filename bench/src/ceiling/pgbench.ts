// Run pgbench with a custom script against a scratch copy of the order schema (never the
// service's own database: its relay would publish the script's outbox rows).
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { prepareTestDatabase, queryDb, repoRoot } from '@switchyard/testing';

const run = promisify(execFile);
const here = path.dirname(fileURLToPath(import.meta.url));

/** A fresh database with the order service's migrations, its demo catalog and plenty of stock. */
export async function preparePgbenchDatabase(): Promise<string> {
  const url = await prepareTestDatabase(
    'bench_pgbench',
    path.join(repoRoot(), 'services/order/prisma/migrations'),
    [path.join(repoRoot(), 'services/order/prisma/seed/demo-catalog.sql')],
  );
  await queryDb(url, 'UPDATE products SET stock = 100000000');
  return url;
}

export interface PgbenchResult {
  transactionsPerSecond: number;
  latencyAverageMs: number;
  failed: number;
}

/** Run a pgbench script (a file under src/ceiling/) at `clients` connections for `seconds`. */
export async function runPgbench(
  databaseUrl: string,
  script: string,
  clients: number,
  seconds: number,
): Promise<PgbenchResult> {
  const { stdout } = await run(
    'pgbench',
    [
      '--no-vacuum',
      '--protocol=prepared',
      `--client=${clients}`,
      '--jobs=2',
      `--time=${seconds}`,
      // The scripts stay in src/ (tsc copies only code).
      `--file=${path.join(here, '../../src/ceiling', script)}`,
      databaseUrl,
    ],
    { maxBuffer: 1 << 20 },
  );
  const number = (pattern: RegExp) => Number(pattern.exec(stdout)?.[1] ?? Number.NaN);
  return {
    transactionsPerSecond: number(/tps = ([\d.]+)/),
    latencyAverageMs: number(/latency average = ([\d.]+) ms/),
    failed: number(/number of failed transactions: (\d+)/) || 0,
  };
}

/** Transactions per second of the checkout script at `clients` concurrent connections. */
export const pgbenchCheckout = (databaseUrl: string, clients: number, seconds: number) =>
  runPgbench(databaseUrl, 'checkout.pgbench.sql', clients, seconds);
