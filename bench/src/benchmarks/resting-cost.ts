// What the stack costs doing nothing: CPU of every process of the README's stack — services,
// gateway, sandbox, SMTP capture, Kafka, PostgreSQL and Redis — over a quiet window right after
// start-up and before any load, and each platform process's resident memory.
import os from 'node:os';
import type { Benchmark, BenchContext } from '../benchmark.js';
import { cpuPerUnit, cpuSnapshot, rssByProcess } from '../cpu-meter.js';
import { fixed, table, type BenchmarkReport } from '../results.js';

async function measureRestingCost(ctx: BenchContext): Promise<BenchmarkReport> {
  const seconds = ctx.short ? 5 : 60;
  await new Promise((resolve) => setTimeout(resolve, 5_000)); // start-up work settles
  const { before, after } = await ctx.phase('resting-cost', async () => {
    const first = await cpuSnapshot(ctx.stand);
    await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
    return { before: first, after: await cpuSnapshot(ctx.stand) };
  });
  // CPU ms per second of the window is a share of one core in thousandths.
  const perSecond = cpuPerUnit(before, after, seconds).filter(
    ([name]) => name !== 'load generator',
  );
  const rss = new Map(await rssByProcess(ctx.stand));
  const coreShare = perSecond.reduce((sum, [, ms]) => sum + ms, 0) / 1000;
  const machineShare = coreShare / os.cpus().length;
  return {
    id: 'resting-cost',
    title: 'The stack at rest',
    command: 'pnpm bench --only resting-cost',
    figures:
      `Every process of the stack idle for ${seconds} s after start-up: CPU from /proc (share of one core; PostgreSQL counts every backend, also those that exited), resident memory at the end.\n\n` +
      table(
        ['process', 'CPU % of one core', 'RSS MiB'],
        [
          ...perSecond.map(([name, ms]) => [
            name,
            fixed(ms / 10, 2),
            rss.has(name) ? fixed(rss.get(name)!, 0) : '–',
          ]),
          [
            'all',
            fixed(coreShare * 100, 2),
            fixed(
              [...rss.values()].reduce((s, m) => s + m, 0),
              0,
            ),
          ],
        ],
      ),
    verdicts: [
      {
        what: `idle CPU of the whole stack (share of ${os.cpus().length} cores)`,
        figure: `${fixed(machineShare * 100, 2)} %`,
        target: '≤ 2 %',
        met: machineShare <= 0.02,
      },
    ],
    data: { seconds, perSecond, rss: Object.fromEntries(rss) },
  };
}

export const restingCost: Benchmark = {
  id: 'resting-cost',
  run: async (ctx) => [await measureRestingCost(ctx)],
};
