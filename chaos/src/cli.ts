// pnpm chaos [--orders N] [--short] [--concurrency C] [--seed S] [--no-replay] [--no-outage]
// [--outage-seconds S] | pnpm chaos --soak MINUTES:
// the chaos run on loopback only. Prints each fault and check, writes the report to
// chaos/results/latest.json, and exits 1 if any invariant failed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@switchyard/testing';
import { printReport } from './report.js';
import { runChaos } from './run.js';
import { printSoak, runSoak } from './soak.js';
import { stopEverything } from './stand.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string' },
    short: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string' },
    'no-replay': { type: 'boolean', default: false },
    'no-outage': { type: 'boolean', default: false },
    'outage-seconds': { type: 'string' },
    soak: { type: 'string' },
  },
});
for (const signal of ['SIGINT', 'SIGTERM'] as const)
  process.once(signal, () => {
    console.log(`[chaos] ${signal}: stopping every process of the run`);
    void stopEverything().finally(() => process.exit(130));
  });

const short = values.short;
const started = Date.now();
const log = (line: string) =>
  console.log(`[chaos +${Math.round((Date.now() - started) / 1000)} s] ${line}`);

if (values.soak) {
  // pnpm chaos --soak MINUTES: no faults; half the maximum order rate for that long.
  const soak = await runSoak({ minutes: Number(values.soak), log });
  const file = path.join(repoRoot(), 'chaos/results/soak.json');
  await mkdir(path.dirname(file), { recursive: true });
  await writeFile(file, JSON.stringify(soak, null, 2));
  printSoak(soak, (line) => console.log(line));
  process.exit(soak.ok ? 0 : 1);
}

const report = await runChaos({
  orders: Number(values.orders ?? (short ? 300 : 2000)),
  subscribers: short ? 6 : 12,
  full: !short,
  concurrency: Number(values.concurrency),
  seed: values.seed ? Number(values.seed) : Date.now() % 2_147_483_647,
  replay: !values['no-replay'],
  outage: !values['no-outage'],
  outageMs: Number(values['outage-seconds'] ?? (short ? 20 : 60)) * 1000,
  log,
});
const file = path.join(repoRoot(), 'chaos/results', short ? 'short.json' : 'latest.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, JSON.stringify(report, null, 2));
printReport(report, (line) => console.log(line));
console.log(`[chaos] report written to ${path.relative(process.cwd(), file)}`);
process.exit(report.ok ? 0 : 1);
