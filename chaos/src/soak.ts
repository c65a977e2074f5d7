import { readFile } from 'node:fs/promises';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Platform } from '@switchyard/testing';
import { isFailure, request } from './http.js';
import type { CheckResult } from './invariants/check.js';
import { checkEverything } from './invariants/index.js';
import { waitForQuiescence } from './settle.js';
import { standUp, type Stand } from './stand.js';
import { runWorkload, type RequestRecord } from './workload.js';

/** A process may grow this much over the soak (heap warm-up, pools): beyond it, a leak. */
export const MEMORY_GROWTH_BOUND_MIB = 64;

export interface SoakReport {
  startedAt: string;
  minutes: number;
  maxOrdersPerSecond: number;
  soakOrdersPerSecond: number;
  orders: number;
  perMinute: { minute: number; requests: number; failed: number; p50Ms: number; p99Ms: number }[];
  memoryMiB: { process: string; startMiB: number; endMiB: number; growthMiB: number }[];
  failedRequests: number;
  checks: CheckResult[];
  ok: boolean;
}

const percentile = (values: number[], p: number) => {
  if (!values.length) return 0;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
};

async function residentMiB(pid: number | undefined): Promise<number> {
  if (!pid) return 0;
  const status = await readFile(`/proc/${pid}/status`, 'utf8').catch(() => '');
  const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
  return Math.round(kb / 1024);
}

async function memoryOf(platform: Platform): Promise<Record<string, number>> {
  const sample: Record<string, number> = {};
  for (const r of platform.replicas)
    sample[r.process.name] = await residentMiB(r.process.child.pid ?? undefined);
  return sample;
}

/** Orders per second through the gateway with `concurrency` customers ordering back to back. */
async function maximumOrderRate(stand: Stand, concurrency: number, seconds: number) {
  const { platform, actors } = stand;
  const until = Date.now() + seconds * 1000;
  let placed = 0;
  await Promise.all(
    Array.from({ length: concurrency }, async (_, i) => {
      const customer = actors.customers[i % actors.customers.length]!;
      while (Date.now() < until) {
        const res = await request(platform.gatewayUrl, 'POST', '/v1/orders', {
          token: customer.token,
          body: {
            lines: [{ productId: actors.products.plentiful[i % 2], quantity: 1 }],
            paymentMethod: 'pm_card_visa',
          },
        });
        if (res.status === 201) placed++;
      }
    }),
  );
  return placed / seconds;
}

/**
 * The soak: measure the maximum order rate, then run the order mix at half of it for
 * `minutes`, sampling every process's memory and the latency of every request per minute;
 * then wait for quiescence and check every invariant.
 */
export async function runSoak(options: {
  minutes: number;
  log: (line: string) => void;
}): Promise<SoakReport> {
  const { log } = options;
  const startedAt = new Date().toISOString();
  const stand = await standUp(log);
  try {
    const { platform, actors, data, kafka, receiver } = stand;
    log('measuring the maximum order rate: 16 customers ordering back to back for 30 s');
    const max = await maximumOrderRate(stand, 16, 30);
    const rate = max / 2;
    const orders = Math.round(rate * options.minutes * 60);
    log(
      `maximum ${max.toFixed(1)} orders/s; soaking at ${rate.toFixed(1)}/s for ${options.minutes} min (${orders} orders)`,
    );
    await sleep(10_000); // let the burst drain before the first memory sample
    const start = await memoryOf(platform);
    const workload = await runWorkload({
      gatewayUrl: platform.gatewayUrl,
      actors,
      orders,
      ratePerSecond: rate,
      concurrency: 64,
      seed: 20261130,
    });
    const settled = await waitForQuiescence(
      data,
      kafka,
      platform.namespace,
      workload.placed.map((o) => o.id),
      300_000,
    );
    const end = await memoryOf(platform);
    const perMinute = minutesOf(workload.requests, workload.startedAt);
    const memoryMiB = Object.keys(start).map((name) => ({
      process: name,
      startMiB: start[name]!,
      endMiB: end[name] ?? 0,
      growthMiB: (end[name] ?? 0) - start[name]!,
    }));
    const checks = await checkEverything(
      data,
      kafka,
      platform.namespace,
      receiver,
      workload.placed,
    );
    const failedRequests = workload.requests.filter((r) => isFailure(r.status)).length;
    return {
      startedAt,
      minutes: options.minutes,
      maxOrdersPerSecond: max,
      soakOrdersPerSecond: rate,
      orders: workload.placed.length,
      perMinute,
      memoryMiB,
      failedRequests,
      checks,
      ok:
        settled.afterMs !== null &&
        failedRequests === 0 &&
        checks.every((c) => c.ok) &&
        memoryMiB.every((m) => m.growthMiB <= MEMORY_GROWTH_BOUND_MIB),
    };
  } finally {
    await stand.stop();
  }
}

function minutesOf(requests: RequestRecord[], startedAt: number) {
  const buckets = new Map<number, RequestRecord[]>();
  for (const r of requests) {
    const minute = Math.floor((r.at - startedAt) / 60_000);
    buckets.set(minute, [...(buckets.get(minute) ?? []), r]);
  }
  return [...buckets.entries()]
    .sort(([a], [b]) => a - b)
    .map(([minute, rs]) => {
      const ms = rs.filter((r) => r.op === 'place_order').map((r) => r.ms);
      return {
        minute: minute + 1,
        requests: rs.length,
        failed: rs.filter((r) => isFailure(r.status)).length,
        p50Ms: percentile(ms, 50),
        p99Ms: percentile(ms, 99),
      };
    });
}

/** The soak as a reader wants it. */
export function printSoak(report: SoakReport, print: (line: string) => void): void {
  print(
    `\nmaximum ${report.maxOrdersPerSecond.toFixed(1)} orders/s; soak at ${report.soakOrdersPerSecond.toFixed(1)}/s for ${report.minutes} min: ${report.orders} orders, ${report.failedRequests} failed requests`,
  );
  print('\n| minute | requests | 5xx/timeouts | place p50 | place p99 |');
  print('|---|---|---|---|---|');
  for (const m of report.perMinute)
    print(`| ${m.minute} | ${m.requests} | ${m.failed} | ${m.p50Ms} ms | ${m.p99Ms} ms |`);
  print(`\n| process | RSS at start | at end | growth (bound ${MEMORY_GROWTH_BOUND_MIB} MiB) |`);
  print('|---|---|---|---|');
  for (const m of report.memoryMiB)
    print(`| ${m.process} | ${m.startMiB} MiB | ${m.endMiB} MiB | ${m.growthMiB} MiB |`);
  for (const c of report.checks) {
    print(`${c.ok ? 'PASS' : 'FAIL'} ${c.name} ${JSON.stringify(c.figures)}`);
    for (const p of c.problems.slice(0, 10)) print(`     ${p}`);
  }
  print(report.ok ? '\nsoak: stable, every invariant held' : '\nsoak: FAILED');
}
