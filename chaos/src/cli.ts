// pnpm chaos [--orders N] [--short] [--concurrency C] [--seed S] [--no-replay] [--no-outage]:
// the chaos run on loopback only. Prints each fault and check, writes the report to
// chaos/results/latest.json, and exits 1 if any invariant failed.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { repoRoot } from '@switchyard/testing';
import { printReport } from './report.js';
import { runChaos } from './run.js';

const { values } = parseArgs({
  options: {
    orders: { type: 'string' },
    short: { type: 'boolean', default: false },
    concurrency: { type: 'string', default: '16' },
    seed: { type: 'string' },
    'no-replay': { type: 'boolean', default: false },
    'no-outage': { type: 'boolean', default: false },
    'outage-seconds': { type: 'string' },
  },
});
const short = values.short;
const started = Date.now();
const report = await runChaos({
  orders: Number(values.orders ?? (short ? 300 : 2000)),
  full: !short,
  concurrency: Number(values.concurrency),
  seed: values.seed ? Number(values.seed) : Date.now() % 2_147_483_647,
  replay: !values['no-replay'],
  outage: !values['no-outage'],
  outageMs: Number(values['outage-seconds'] ?? (short ? 20 : 60)) * 1000,
  log: (line) => console.log(`[chaos +${Math.round((Date.now() - started) / 1000)} s] ${line}`),
});
const file = path.join(repoRoot(), 'chaos/results', short ? 'short.json' : 'latest.json');
await mkdir(path.dirname(file), { recursive: true });
await writeFile(file, JSON.stringify(report, null, 2));
printReport(report, (line) => console.log(line));
console.log(`[chaos] report written to ${path.relative(process.cwd(), file)}`);
process.exit(report.ok ? 0 : 1);
