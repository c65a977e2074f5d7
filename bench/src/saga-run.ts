// One measured run of the whole saga at a fixed order rate: an open loop through the gateway,
// then wait until the last order is paid and the last notification and email are out. What
// it costs (CPU per order, per process, every process of the stack counted) and how long it
// took (placed → paid at the client's clock, the event hops every consumer exports).
import { queryDb } from '@switchyard/testing';
import { cpuPerUnit, cpuSnapshot } from './cpu-meter.js';
import { hopDelta, scrapeHops, type HopFigures } from './hops.js';
import { placeAtRate, type Placement } from './open-loop.js';
import { waitForNotificationsDone, waitForOrdersSettled } from './saga-settled.js';
import type { SagaTarget } from './target.js';
import { distribution, type Distribution } from './stats.js';

/** The process that places the orders: shown, never counted in the stack's cost. */
export const LOAD_GENERATOR = 'load generator';

export interface SagaRun {
  rate: number;
  seconds: number;
  placed: number;
  /** Non-201 answers by status: a run with any is not a valid figure. */
  refused: Record<string, number>;
  /** Orders still not paid when the saga settled (declined or expired: none are expected). */
  unpaid: number;
  /** Client POST → the order's `paid` row, in ms. */
  placedToPaid: Distribution;
  hops: HopFigures;
  /** CPU ms per placed order by process, the load generator included (largest first). */
  cpuPerOrder: [string, number][];
  /** CPU ms per order of the stack: every process but the load generator. */
  stackCpuPerOrder: number;
  /** Seconds from the last placement to the last order paid and notification sent. */
  drainSeconds: number;
}

/** When each order became paid, from the order service's timeline (ms since the epoch). */
export async function paidTimes(
  stand: SagaTarget,
  orderIds: string[],
): Promise<Map<string, number>> {
  const rows = await queryDb<{ order_id: string; at: Date }>(
    stand.orderDatabaseUrl,
    `SELECT order_id::text, created_at AS at FROM order_status_changes
      WHERE to_status = 'paid' AND order_id = ANY($1::uuid[])`,
    [orderIds],
  );
  return new Map(rows.map((r) => [r.order_id, new Date(r.at).getTime()]));
}

export async function latencies(
  stand: SagaTarget,
  placed: Placement[],
): Promise<{ distribution: Distribution; unpaid: number }> {
  const paid = await paidTimes(
    stand,
    placed.map((p) => p.orderId),
  );
  const samples = placed
    .filter((p) => paid.has(p.orderId))
    .map((p) => paid.get(p.orderId)! - p.sentAt);
  return { distribution: distribution(samples), unpaid: placed.length - samples.length };
}

export async function runSagaAt(
  stand: SagaTarget,
  rate: number,
  seconds: number,
): Promise<SagaRun> {
  const hopsBefore = await scrapeHops(stand);
  const cpuBefore = await cpuSnapshot(stand);
  const load = await placeAtRate(stand, rate, seconds);
  const lastPlaced = Date.now();
  await waitForOrdersSettled(
    stand,
    load.placed.map((p) => p.orderId),
  );
  await waitForNotificationsDone(stand);
  const drainSeconds = (Date.now() - lastPlaced) / 1000;
  const cpu = cpuPerUnit(cpuBefore, await cpuSnapshot(stand), load.placed.length);
  const hops = hopDelta(await scrapeHops(stand), hopsBefore);
  const { distribution: placedToPaid, unpaid } = await latencies(stand, load.placed);
  return {
    rate,
    seconds,
    placed: load.placed.length,
    refused: load.refused,
    unpaid,
    placedToPaid,
    hops,
    cpuPerOrder: cpu,
    stackCpuPerOrder: cpu
      .filter(([name]) => name !== LOAD_GENERATOR)
      .reduce((s, [, ms]) => s + ms, 0),
    drainSeconds,
  };
}

export const refusedCount = (run: SagaRun) =>
  Object.values(run.refused).reduce((sum, n) => sum + n, 0);

/** The median of runs by a figure, and the spread (min–max) of that figure. */
export function medianRun(runs: SagaRun[], by: (run: SagaRun) => number) {
  const sorted = [...runs].sort((a, b) => by(a) - by(b));
  return {
    median: sorted[Math.floor((sorted.length - 1) / 2)]!,
    min: by(sorted[0]!),
    max: by(sorted[sorted.length - 1]!),
  };
}
