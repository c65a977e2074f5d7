// `pnpm bench`: start the platform once, run each benchmark against it, print its figures,
// write them to bench/results/ and docs/benchmarks.md.
//   --short            CI's version: 3 s per measurement, 500 streams; proves it runs,
//                      leaves the published figures alone
//   --only a,b         only these benchmarks (ids below)
//   --profile          also CPU-profile the gateway and the order service (or the processes
//                      named by --profile-processes payment,notification) and print the top
//                      costs of every phase (the figures of a profiled run are not published)
//   --pg-statements    print PostgreSQL's top statements of every phase (pg_stat_statements must
//                      be loaded; a profiled run does this too; such a run is not published)
import { mkdtemp } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import type { Benchmark, BenchContext } from './benchmark.js';
import { catalogSearch } from './benchmarks/catalog-search.js';
import { checkout } from './benchmarks/checkout.js';
import { gatewayOverhead } from './benchmarks/gateway-overhead.js';
import { readPath } from './benchmarks/read-path.js';
import { saga } from './benchmarks/saga.js';
import { sseFanout } from './benchmarks/sse-fanout.js';
import { monotonicMicros, type Window } from './cpu-profile.js';
import { printStatements, statementStats, type PhaseStatements } from './pg-statements.js';
import { printProfiles } from './profiles.js';
import { print, publish } from './results.js';
import { standDatabasePrefix, standUp } from './stand.js';
import { restingCost } from './benchmarks/resting-cost.js';

// In this order: the resting cost first (nothing has run yet), the saga before checkout (whose
// closed loop at full concurrency leaves tens of thousands of orders behind), catalog search
// last (it adds 100 000 products for its run, and takes them out again).
const ALL: Benchmark[] = [
  restingCost,
  gatewayOverhead,
  readPath,
  saga,
  checkout,
  sseFanout,
  catalogSearch,
];

const { values } = parseArgs({
  options: {
    short: { type: 'boolean', default: false },
    only: { type: 'string' },
    profile: { type: 'boolean', default: false },
    'profile-processes': { type: 'string', default: 'gateway,order' },
    'pg-statements': { type: 'boolean', default: false },
  },
});
const only = values.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((id) => !ALL.some((b) => b.id === id)) ?? [];
if (unknown.length) {
  console.error(
    `unknown benchmark(s): ${unknown.join(', ')}; known: ${ALL.map((b) => b.id).join(', ')}`,
  );
  process.exit(2);
}
const chosen = ALL.filter((b) => !only || only.includes(b.id));
const short = values.short ?? false;
const profileDir = values.profile
  ? await mkdtemp(path.join(os.tmpdir(), 'switchyard-profile-'))
  : null;
const profiled = values['profile-processes']!.split(',').map((name) => name.trim());

// Before the stand starts, so a failure here leaves nothing running.
const withStatements = Boolean(profileDir) || Boolean(values['pg-statements']);
const statements = withStatements
  ? await statementStats(
      ['auth', 'order', 'payment', 'notification', 'billing'].map(
        (service) => `${standDatabasePrefix()}_${service}`,
      ),
    )
  : null;

const stand = await standUp({
  nodeArgs: profileDir
    ? Object.fromEntries(
        profiled.map((name) => [
          name,
          ['--cpu-prof', `--cpu-prof-dir=${path.join(profileDir, name)}`],
        ]),
      )
    : undefined,
});
const phases: { name: string; window: Window }[] = [];
const statementsByPhase: { name: string; statements: PhaseStatements }[] = [];
const ctx: BenchContext = {
  stand,
  short,
  seconds: Number(process.env.BENCH_SECONDS ?? (short ? 3 : 10)),
  async phase(name, work) {
    await statements?.reset();
    const fromMicros = monotonicMicros();
    try {
      return await work();
    } finally {
      phases.push({ name, window: { fromMicros, toMicros: monotonicMicros() } });
      const read = await statements?.read(15);
      if (read) statementsByPhase.push({ name, statements: read });
    }
  },
};
let failed = false;
try {
  for (const benchmark of chosen) {
    console.log(`\n=== ${benchmark.id}`);
    for (const report of await benchmark.run(ctx)) {
      print(report);
      // A profiled run, or one with pg_stat_statements loaded, carries their overhead.
      if (!withStatements) await publish(report, { short });
    }
  }
} catch (error) {
  failed = true;
  console.error(error);
} finally {
  await stand.stop();
}
if (profileDir) await printProfiles(profileDir, profiled, phases);
for (const phase of statementsByPhase) printStatements(phase.name, phase.statements);
process.exit(failed ? 1 : 0);
