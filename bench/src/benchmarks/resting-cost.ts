// What the stack costs doing nothing: resident memory and CPU of every process over a quiet
// window (from /proc), right after start-up and before any load.
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { repoRoot } from '@switchyard/testing';
import type { Benchmark, BenchContext } from '../benchmark.js';
import { fixed, table, type BenchmarkReport } from '../results.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

async function sample(pid: number): Promise<{ cpuSeconds: number; rssMiB: number } | null> {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // After the command: state is field 3, so utime (14) and stime (15) are at 11 and 12.
    const cpuSeconds = (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND;
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const rssMiB = Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    return { cpuSeconds, rssMiB };
  } catch {
    return null;
  }
}

async function kafkaPid(): Promise<number | null> {
  try {
    return Number(
      (
        await readFile(
          path.join(process.env.KAFKA_HOME_DIR ?? path.join(repoRoot(), '.var/kafka'), 'kafka.pid'),
          'utf8',
        )
      ).trim(),
    );
  } catch {
    return null;
  }
}

async function measureRestingCost(ctx: BenchContext): Promise<BenchmarkReport> {
  const seconds = ctx.short ? 5 : 30;
  const processes = ctx.stand.platform.running.map((p) => ({ name: p.name, pid: p.child.pid! }));
  const kafka = await kafkaPid();
  if (kafka) processes.push({ name: 'kafka (broker)', pid: kafka });
  await new Promise((resolve) => setTimeout(resolve, 5_000)); // start-up work settles
  const { before, after } = await ctx.phase('resting-cost', async () => {
    const first = await Promise.all(processes.map((p) => sample(p.pid)));
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return { before: first, after: await Promise.all(processes.map((p) => sample(p.pid))) };
  });
  const rows = processes.map((p, i) => {
    const cpu = ((after[i]?.cpuSeconds ?? 0) - (before[i]?.cpuSeconds ?? 0)) / seconds;
    return { name: p.name, rssMiB: after[i]?.rssMiB ?? Number.NaN, cpuShare: cpu };
  });
  const totalCpu = rows.reduce((sum, r) => sum + r.cpuShare, 0) / os.cpus().length;
  const totalRss = rows.reduce((sum, r) => sum + (r.rssMiB || 0), 0);
  return {
    id: 'resting-cost',
    title: 'The stack at rest',
    command: 'pnpm bench --only resting-cost',
    figures:
      `Every process of the platform (two notification replicas) and the Kafka broker, idle for ${seconds} s after start-up; CPU from /proc (share of one core), RSS at the end. PostgreSQL and Redis are the machine's shared services and are not counted.\n\n` +
      table(
        ['process', 'RSS MiB', 'CPU % of one core'],
        [
          ...rows.map((r) => [r.name, fixed(r.rssMiB, 0), fixed(r.cpuShare * 100, 2)]),
          ['all', fixed(totalRss, 0), fixed(rows.reduce((s, r) => s + r.cpuShare, 0) * 100, 2)],
        ],
      ),
    verdicts: [
      {
        what: `idle CPU of the whole stack (share of ${os.cpus().length} cores)`,
        figure: `${fixed(totalCpu * 100, 2)} %`,
        target: '≤ 5 %',
        met: totalCpu <= 0.05,
      },
    ],
    data: { seconds, rows },
  };
}

export const restingCost: Benchmark = {
  id: 'resting-cost',
  run: async (ctx) => [await measureRestingCost(ctx)],
};
