// `pnpm bench:readme-stack`: the saga benchmark against the stack `infra/scripts/up.sh` runs
// (start it first, in another terminal), as a user runs it — its ports, its databases, its
// rate limits and token lifetime, its log output. The processes are found by the ports they
// listen on. It writes bench/results/readme-stack-*.json and prints the figures; the docs'
// comparison of this stack with the benchmark's own stand is written from both.
//   --short   10 orders/s for 5 s only
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { defaultPorts } from '@switchyard/stack';
import { queryDb, repoRoot } from '@switchyard/testing';
import { sagaReports } from './benchmarks/saga.js';
import { print } from './results.js';
import { MUG } from './stand.js';
import { customerPool, type MeasuredProcess, type SagaTarget } from './target.js';

const { values } = parseArgs({ options: { short: { type: 'boolean', default: false } } });
const postgres = process.env.POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres';
const database = (service: string) => {
  const url = new URL(postgres);
  url.pathname = `/switchyard_${service}`;
  return url.toString();
};

/** The process listening on a TCP port of 127.0.0.1 (from `ss`), if any. */
function pidListeningOn(port: number): number | undefined {
  const out = execFileSync('ss', ['-Hltnp', `sport = :${port}`], { encoding: 'utf8' });
  const pid = /pid=(\d+)/.exec(out)?.[1];
  return pid ? Number(pid) : undefined;
}

const listeners: [string, number][] = [
  ['gateway', defaultPorts.gateway],
  ['auth', defaultPorts.auth],
  ['order', defaultPorts.order],
  ['payment', defaultPorts.payment],
  ['notification', defaultPorts.notification],
  ['payment-sandbox', defaultPorts.paymentSandbox],
  ['smtp capture', Number(process.env.SMTP_CAPTURE_SMTP_PORT ?? 1025)],
];
const processes: MeasuredProcess[] = listeners.map(([name, port]) => {
  const pid = pidListeningOn(port);
  if (!pid) {
    console.error(`nothing listens on ${port} (${name}): start the stack with infra/scripts/up.sh`);
    process.exit(2);
  }
  return { name, pid, url: name === 'smtp capture' ? undefined : `http://127.0.0.1:${port}` };
});

// up.js is the parent of every process it starts and prefixes their log lines: the stack's
// logging costs its CPU too.
const parentOf = (pid: number) =>
  Number(/^PPid:\s+(\d+)/m.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1]);
processes.push({ name: 'up.js (log prefixing)', pid: parentOf(processes[0]!.pid) });

const target: SagaTarget = {
  gatewayUrl: `http://127.0.0.1:${defaultPorts.gateway}`,
  customers: customerPool(`http://127.0.0.1:${defaultPorts.auth}`, 50),
  orderDatabaseUrl: database('order'),
  notificationDatabaseUrl: database('notification'),
  processes: () => processes,
};
// The demo catalog's stock would run out long before a full run does.
await queryDb(target.orderDatabaseUrl, 'UPDATE products SET stock = 100000000 WHERE id = $1', [
  MUG,
]);
console.log('measuring the README stack: topped up the mug’s stock, 50 customers signed up');
const reports = await sagaReports(target, {
  short: values.short ?? false,
  phase: (_name, work) => work(),
});
const dir = path.join(repoRoot(), 'bench/results');
await mkdir(dir, { recursive: true });
for (const report of reports) {
  print(report);
  await writeFile(
    path.join(dir, `readme-stack-${report.id}.json`),
    JSON.stringify({ ...report, at: new Date().toISOString() }, null, 2) + '\n',
  );
}
process.exit(0);
