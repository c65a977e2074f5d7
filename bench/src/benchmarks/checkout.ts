// Checkout throughput: orders placed per second at 10 and 50 concurrent clients, through the
// gateway and directly, against pgbench running the same transaction on the same Postgres at
// the database concurrency the order service has: its pool's size, whatever the client count.
import { queryDb, waitFor } from '@switchyard/testing';
import type { Benchmark, BenchContext } from '../benchmark.js';
import { pgbenchCheckout, preparePgbenchDatabase, type PgbenchResult } from '../ceiling/pgbench.js';
import { pgbenchSagaFloor, prepareSagaFloorDatabase } from '../ceiling/saga-floor.js';
import { load, unexpectedAnswers, type LoadResult } from '../load.js';
import { cpuPerUnit, cpuSnapshot } from '../cpu-meter.js';
import { fixed, table } from '../results.js';
import { ONE_MUG } from '../stand.js';

/** Wait until the saga has settled every order placed so far (none pending payment). */
export async function waitForSagaToSettle(ctx: BenchContext): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () => {
      const [row] = await queryDb<{ pending: number }>(
        ctx.stand.orderDatabaseUrl,
        `SELECT count(*)::int AS pending FROM orders WHERE status = 'pending_payment'`,
      );
      return row!.pending === 0;
    },
    { timeoutMs: 600_000, intervalMs: 500, what: 'every order paid' },
  );
  return (Date.now() - started) / 1000;
}

interface Run {
  path: 'gateway' | 'direct';
  concurrency: number;
  result: LoadResult;
  placedPerSecond: number;
  settledAfterSeconds: number;
  /** CPU ms per placed order and process, over the load and the saga settling after it. */
  cpuPerOrder: [string, number][];
}

function cpuTable(runs: Run[]): string {
  const names = [...new Set(runs.flatMap((r) => r.cpuPerOrder.map(([name]) => name)))];
  const ordered = names
    .map((name) => ({ name, first: runs[0]!.cpuPerOrder.find(([n]) => n === name)?.[1] ?? 0 }))
    .sort((a, b) => b.first - a.first)
    .map((n) => n.name);
  return table(
    ['process', ...runs.map((r) => `${r.path} c${r.concurrency}`)],
    [
      ...ordered.map((name) => [
        name,
        ...runs.map((r) => fixed(r.cpuPerOrder.find(([n]) => n === name)?.[1] ?? 0, 1)),
      ]),
      [
        'all',
        ...runs.map((r) =>
          fixed(
            r.cpuPerOrder.reduce((sum, [, ms]) => sum + ms, 0),
            1,
          ),
        ),
      ],
    ],
  );
}

/** The order service's database pool (DB_POOL_MAX, service-kit's default, as the stack runs it). */
const POOL_SIZE = 10;

/** A pgbench ceiling as a row of the checkout table (the HTTP-only columns left empty). */
const pgbenchRow = (name: string, result: PgbenchResult) => [
  POOL_SIZE,
  name,
  fixed(result.transactionsPerSecond, 0),
  fixed(result.latencyAverageMs, 1) + ' (avg)',
  '–',
  '–',
  '–',
  result.failed,
  '–',
];

export const checkout: Benchmark = {
  id: 'checkout',
  async run(ctx) {
    const { stand } = ctx;
    const pgbenchUrl = await preparePgbenchDatabase();
    const ceiling: PgbenchResult = await ctx.phase(`checkout: pgbench c${POOL_SIZE}`, () =>
      pgbenchCheckout(pgbenchUrl, POOL_SIZE, ctx.seconds),
    );
    // The second ceiling: every statement of the whole saga (three databases' worth) per order.
    const floorUrl = await prepareSagaFloorDatabase();
    const sagaFloor: PgbenchResult = await ctx.phase(`checkout: saga floor c${POOL_SIZE}`, () =>
      pgbenchSagaFloor(floorUrl, POOL_SIZE, ctx.seconds),
    );
    const runs: Run[] = [];
    for (const concurrency of [10, 50]) {
      for (const path of ['gateway', 'direct'] as const) {
        const base =
          path === 'gateway' ? stand.platform.gatewayUrl : stand.platform.serviceUrl('order');
        const cpuBefore = await cpuSnapshot(stand);
        const result = await ctx.phase(`checkout: ${path} c${concurrency}`, () =>
          load({
            url: `${base}/v1/orders`,
            method: 'POST',
            headers: { authorization: `Bearer ${stand.token}`, 'content-type': 'application/json' },
            body: ONE_MUG,
            connections: concurrency,
            seconds: ctx.seconds,
          }),
        );
        const placed = result.statuses['201'] ?? 0;
        const settledAfterSeconds = await waitForSagaToSettle(ctx);
        runs.push({
          path,
          concurrency,
          result,
          placedPerSecond: placed / ctx.seconds,
          settledAfterSeconds,
          cpuPerOrder: cpuPerUnit(cpuBefore, await cpuSnapshot(stand), placed),
        });
      }
    }
    const verdicts = [10, 50].map((c) => {
      const gateway = runs.find((r) => r.path === 'gateway' && r.concurrency === c)!;
      const ratio = gateway.placedPerSecond / ceiling.transactionsPerSecond;
      return {
        what: `orders/s through the gateway at ${c} clients / pgbench at the pool's ${POOL_SIZE}`,
        figure: fixed(ratio, 2),
        target: '≥ 0.4',
        met: ratio >= 0.4,
      };
    });
    const errors = runs.reduce(
      (sum, r) => sum + unexpectedAnswers(r.result, [409]) + r.result.errors,
      0,
    );
    verdicts.push({
      what: 'errors other than documented 409s',
      figure: String(errors),
      target: '0',
      met: errors === 0,
    });
    return [
      {
        id: 'checkout',
        title: 'Checkout throughput',
        command: 'pnpm bench --only checkout',
        figures:
          `\`POST /v1/orders\` (one product, a card the sandbox accepts), autocannon closed loop for ${ctx.seconds} s per row; the saga (payment, notification) runs behind and is waited for between rows. ` +
          `Ceiling: pgbench running the placement transaction as plain SQL (\`bench/src/ceiling/checkout.pgbench.sql\`) on the same Postgres, at ${POOL_SIZE} connections — the order service's pool (DB_POOL_MAX), so more clients than that queue for a connection in the service as they would for pgbench's. The second ceiling is the database's floor for a whole order: every statement the saga makes in the order, payment and notification databases as one pgbench script (\`bench/src/ceiling/saga-floor.pgbench.sql\`), one order per script run.\n\n` +
          table(
            [
              'clients',
              'path',
              'orders/s',
              'p50 ms',
              'p99 ms',
              '409',
              'other non-2xx',
              'errors',
              'saga settled after s',
            ],
            [
              pgbenchRow('pgbench (ceiling)', ceiling),
              pgbenchRow('pgbench, the whole saga’s statements (floor)', sagaFloor),
              ...runs.map((r) => [
                r.concurrency,
                r.path === 'gateway' ? 'through the gateway' : 'order service, direct',
                fixed(r.placedPerSecond, 0),
                r.result.p50,
                r.result.p99,
                r.result.statuses['409'] ?? 0,
                unexpectedAnswers(r.result, [409]),
                r.result.errors,
                fixed(r.settledAfterSeconds, 0),
              ]),
            ],
          ) +
          '\n\nCPU milliseconds per placed order, by process, over each row and the saga settling after it (from /proc; the whole order: placement, payment, notifications, relays, Kafka, PostgreSQL):\n\n' +
          cpuTable(runs),
        verdicts,
        data: { ceiling, sagaFloor, poolSize: POOL_SIZE, runs },
      },
    ];
  },
};
