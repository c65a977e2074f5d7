import { ensureDatabase } from '@switchyard/db';
import { migrateStack, stackProcesses, type StackProcess } from '@switchyard/stack';
import {
  createKafkaNamespace,
  deleteKafkaNamespace,
  startKafka,
  testKafkaBrokers,
} from './kafka.js';
import { freePort } from './free-port.js';
import { startProcess, type RunningProcess } from './process.js';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.js';
import { resetDatabase } from './test-database.js';
import { waitForHttp } from './wait-for.js';

type ScalableService = 'order' | 'payment' | 'notification';

/** One running copy of a platform process (replica 0 is the one the gateway routes to). */
export interface Replica {
  name: StackProcess['name'];
  index: number;
  port: number;
  url: string;
  process: RunningProcess;
}

export interface Platform {
  gatewayUrl: string;
  processes: StackProcess[];
  /** Every process currently running (replicas included). */
  running: RunningProcess[];
  replicas: Replica[];
  smtp: SmtpCapture;
  namespace: string;
  serviceUrl(name: StackProcess['name'], replica?: number): string;
  replica(name: StackProcess['name'], index?: number): Replica;
  /**
   * Kill a replica with `signal` (SIGKILL by default: no shutdown at all). With `restartAfterMs`
   * a supervisor starts it again after that delay, as Kubernetes restarts a crashed container.
   * Resolves once the old process is gone (and the new one spawned, when restarted).
   */
  kill(
    name: StackProcess['name'],
    index: number,
    options?: { signal?: NodeJS.Signals; restartAfterMs?: number },
  ): Promise<Replica>;
  stop(): Promise<(number | null)[]>;
}

export interface PlatformOptions {
  logLevel?: string;
  /** Extra environment for every process (e.g. a higher rate limit for a benchmark). */
  env?: Record<string, string>;
  /** How many replicas of each consuming service (default 1); all share the database. */
  replicas?: Partial<Record<ScalableService, number>>;
}

/**
 * Start the whole platform — Kafka, SMTP capture, the payment-provider sandbox, the four
 * services and the gateway — as real processes on free ports, with their own databases and
 * Kafka namespace, isolated from any local stack. Used by the end-to-end tests and benchmarks.
 * Services can run as several replicas (same database, same consumer group), and a replica
 * can be killed and restarted, for failure tests.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  await startKafka();
  const [namespace, smtp] = await Promise.all([createKafkaNamespace(), startSmtpCapture()]);
  const ports = {
    gateway: await freePort(),
    auth: await freePort(),
    order: await freePort(),
    payment: await freePort(),
    notification: await freePort(),
    paymentSandbox: await freePort(),
    gatewayMetrics: await freePort(),
  };
  const processes = stackProcesses({
    ports,
    postgresUrl: process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    databasePrefix: 'switchyard_e2e',
    kafkaBrokers: testKafkaBrokers().join(','),
    kafkaNamespace: namespace,
    redisUrl: 'redis://127.0.0.1:6379',
    smtpUrl: smtp.smtpUrl,
    logLevel: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'info',
  });
  // A fresh start every run: create, wipe, then migrate (never migrate last run's leftovers).
  for (const p of processes) {
    if (!p.database) continue;
    await ensureDatabase(p.database.url);
    await resetDatabase(p.database.url);
  }
  await migrateStack(processes);

  const sharedEnv = {
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: process.env.E2E_AUTH_RATE_LIMIT ?? '300',
    RATE_LIMIT_NAMESPACE: `switchyard:e2e:${namespace}rate:`,
    CACHE_NAMESPACE: namespace,
    REALTIME_CHANNEL: `switchyard:e2e:${namespace}notifications`,
    ...options.env,
  };
  const specs: { spec: StackProcess; index: number; port: number }[] = [];
  for (const spec of processes) {
    specs.push({ spec, index: 0, port: spec.port });
    const count = options.replicas?.[spec.name as ScalableService] ?? 1;
    for (let index = 1; index < count; index++) specs.push({ spec, index, port: await freePort() });
  }
  const launch = ({ spec, index, port }: (typeof specs)[number]): Replica => ({
    name: spec.name,
    index,
    port,
    url: `http://127.0.0.1:${port}`,
    process: startProcess(
      index === 0 ? spec.name : `${spec.name}-${index}`,
      process.execPath,
      spec.args,
      { cwd: spec.cwd, env: { ...spec.env, ...sharedEnv, PORT: String(port) } },
    ),
  });
  const replicas = specs.map(launch);
  try {
    await Promise.all(replicas.map((r) => waitForHttp(`${r.url}/readyz`, 90_000)));
  } catch (error) {
    for (const r of replicas) {
      console.error(`--- ${r.process.name} output ---\n${r.process.output().slice(-4000)}`);
      await r.process.stop();
    }
    throw error;
  }
  const find = (name: StackProcess['name'], index = 0) => {
    const found = replicas.find((r) => r.name === name && r.index === index);
    if (!found) throw new Error(`no replica ${index} of ${name}`);
    return found;
  };
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    processes,
    get running() {
      return replicas.map((r) => r.process);
    },
    replicas,
    smtp,
    namespace,
    serviceUrl: (name, index = 0) => find(name, index).url,
    replica: find,
    async kill(name, index, killOptions = {}) {
      const target = find(name, index);
      await target.process.stop(killOptions.signal ?? 'SIGKILL');
      if (killOptions.restartAfterMs === undefined) return target;
      await new Promise((resolve) => setTimeout(resolve, killOptions.restartAfterMs));
      const spec = specs.find((s) => s.spec.name === name && s.index === index)!;
      const restarted = launch(spec);
      replicas[replicas.indexOf(target)] = restarted;
      return restarted;
    },
    async stop() {
      const codes = await Promise.all(replicas.map((r) => r.process.stop('SIGTERM')));
      await smtp.stop();
      await deleteKafkaNamespace(namespace).catch(() => {});
      return codes;
    },
  };
}
