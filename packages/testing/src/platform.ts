import path from 'node:path';
import { ensureDatabase } from '@switchyard/db';
import { migrateStack, seedStack, stackProcesses, type StackProcess } from '@switchyard/stack';
import {
  createKafkaNamespace,
  deleteKafkaNamespace,
  startKafka,
  TEST_FETCH_MAX_WAIT_ENV,
  testKafkaBrokers,
} from './kafka.js';
import { freePort } from './free-port.js';
import { startProcess, type RunningProcess } from './process.js';
import { startSmtpCapture, type SmtpCapture } from './smtp-capture.js';
import { resetDatabase, testDatabaseTag } from './test-database.js';
import { waitFor, waitForHttp } from './wait-for.js';

type ScalableService = 'order' | 'payment' | 'notification' | 'billing';

/**
 * One running copy of a platform process (replica 0 is the one the gateway routes to, unless
 * the platform was started with `gatewayToEveryReplica`).
 */
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
  /** Stop one replica (SIGTERM, drained) and keep it stopped, whatever the supervisor says. */
  stopReplica(name: StackProcess['name'], index: number): Promise<void>;
  /** Start a replica stopped with stopReplica again; resolves once it is ready. */
  startReplica(name: StackProcess['name'], index: number): Promise<Replica>;
  /** Send a signal that does not end the process (SIGSTOP, SIGCONT) to one replica. */
  signal(name: StackProcess['name'], index: number, signal: NodeJS.Signals): void;
  /** How often the supervisor restarted each process that died (with `supervise`). */
  restarts(): Record<string, number>;
  stop(): Promise<(number | null)[]>;
}

export interface PlatformOptions {
  logLevel?: string;
  /** Extra environment for every process (e.g. a higher rate limit for a benchmark). */
  env?: Record<string, string>;
  /** How many replicas of each consuming service (default 1); all share the database. */
  replicas?: Partial<Record<ScalableService, number>>;
  /**
   * Restart any process that exits on its own (a crash, a kill -9) after `restartDelayMs`, as
   * Kubernetes restarts a container. Off by default: tests that kill a process restart it
   * themselves with kill()'s `restartAfterMs`.
   */
  supervise?: { restartDelayMs: number };
  /** Infrastructure of the run's own (the chaos harness restarts it); defaults to the shared. */
  postgresUrl?: string;
  redisUrl?: string;
  /** Brokers of a Kafka the caller runs; when absent the shared broker is started if needed. */
  kafkaBrokers?: string[];
  /**
   * Prefix of the databases (`<prefix>_<service>`); default `switchyard_e2e_<package>` (+
   * TEST_DATABASE_TAG), so the suites of two packages (e2e, chaos, console…) that run at once
   * (TEST_CONCURRENCY) never wipe each other's databases.
   */
  databasePrefix?: string;
  /** Partitions of each topic of the run's namespace (default 3; production has 12). */
  topicPartitions?: number;
  /** Extra Node options for one process's replicas (e.g. `--cpu-prof` for a profile). */
  nodeArgs?: Partial<Record<StackProcess['name'], string[]>>;
  /**
   * Give the gateway every replica's URL (comma-separated, as in production with several
   * replicas), so it balances across them and routes around a dead one. Off by default: the
   * gateway routes to replica 0, and a test reaches the others directly.
   */
  gatewayToEveryReplica?: boolean;
}

/** The Redis prefix of a platform's rate-limit counters (its gateway's RATE_LIMIT_NAMESPACE). */
export const rateLimitNamespace = (namespace: string) => `switchyard:e2e:${namespace}rate:`;

/** The package whose tests run (jest's working directory), as a database name's part. */
const packageSlug = () =>
  path
    .basename(process.cwd())
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '_');

/**
 * Start the whole platform — Kafka, SMTP capture, the payment-provider sandbox, the five
 * services and the gateway — as real processes on free ports, with their own databases and
 * Kafka namespace, isolated from any local stack. Used by the end-to-end tests and benchmarks.
 * Services can run as several replicas (same database, same consumer group), and a replica
 * can be killed and restarted, for failure tests.
 */
export async function startPlatform(options: PlatformOptions = {}): Promise<Platform> {
  const brokers = options.kafkaBrokers ?? testKafkaBrokers();
  if (!options.kafkaBrokers) await startKafka();
  const [namespace, smtp] = await Promise.all([
    createKafkaNamespace(brokers, options.topicPartitions),
    startSmtpCapture(),
  ]);
  const redisUrl = options.redisUrl ?? 'redis://127.0.0.1:6379';
  const ports = {
    gateway: await freePort(),
    auth: await freePort(),
    order: await freePort(),
    payment: await freePort(),
    notification: await freePort(),
    billing: await freePort(),
    paymentSandbox: await freePort(),
    gatewayMetrics: await freePort(),
  };
  const processes = stackProcesses({
    ports,
    postgresUrl:
      options.postgresUrl ??
      process.env.TEST_POSTGRES_URL ??
      'postgresql://postgres@127.0.0.1:5432/postgres',
    databasePrefix: options.databasePrefix ?? `switchyard_e2e_${packageSlug()}${testDatabaseTag()}`,
    kafkaBrokers: brokers.join(','),
    kafkaNamespace: namespace,
    redisUrl,
    smtpUrl: smtp.smtpUrl,
    logLevel: options.logLevel ?? process.env.TEST_LOG_LEVEL ?? 'info',
    // Tests move billing's clock to reach renewals and dunning without waiting for them.
    billingTestClock: true,
  });
  // A fresh start every run: create, wipe, then migrate (never migrate last run's leftovers).
  for (const p of processes) {
    if (!p.database) continue;
    await ensureDatabase(p.database.url);
    await resetDatabase(p.database.url);
  }
  await migrateStack(processes);
  await seedStack(processes); // the demo catalog the tests order from

  const sharedEnv = {
    RATE_LIMIT_PER_MINUTE: '100000',
    AUTH_RATE_LIMIT_PER_MINUTE: process.env.E2E_AUTH_RATE_LIMIT ?? '300',
    RATE_LIMIT_NAMESPACE: rateLimitNamespace(namespace),
    LOGIN_THROTTLE_NAMESPACE: `switchyard:e2e:${namespace}login`,
    CACHE_NAMESPACE: namespace,
    REALTIME_CHANNEL: `switchyard:e2e:${namespace}notifications`,
    ...TEST_FETCH_MAX_WAIT_ENV,
    ...options.env,
  };
  const specs: { spec: StackProcess; index: number; port: number }[] = [];
  for (const spec of processes) {
    specs.push({ spec, index: 0, port: spec.port });
    const count = options.replicas?.[spec.name as ScalableService] ?? 1;
    for (let index = 1; index < count; index++) specs.push({ spec, index, port: await freePort() });
  }
  if (options.gatewayToEveryReplica) routeGatewayToEveryReplica(specs);
  const replicas: Replica[] = [];
  const restartCounts: Record<string, number> = {};
  let stopping = false;
  /** Processes ended on purpose (stop(), kill() with its own restart): not the supervisor's. */
  const intended = new Set<RunningProcess>();
  const launch = (entry: (typeof specs)[number]): Replica => {
    const { spec, index, port } = entry;
    const replica: Replica = {
      name: spec.name,
      index,
      port,
      url: `http://127.0.0.1:${port}`,
      process: startProcess(
        index === 0 ? spec.name : `${spec.name}-${index}`,
        process.execPath,
        [...(options.nodeArgs?.[spec.name] ?? []), ...spec.args],
        {
          cwd: spec.cwd,
          env: {
            ...spec.env,
            ...sharedEnv,
            PORT: String(port),
          },
        },
      ),
    };
    const supervise = options.supervise;
    if (supervise)
      replica.process.child.once('exit', () => {
        if (stopping || intended.has(replica.process)) return;
        setTimeout(() => {
          if (stopping) return;
          restartCounts[replica.process.name] = (restartCounts[replica.process.name] ?? 0) + 1;
          replicas[replicas.indexOf(replica)] = launch(entry);
        }, supervise.restartDelayMs);
      });
    return replica;
  };
  replicas.push(...specs.map(launch));
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
      if (options.supervise && killOptions.restartAfterMs === undefined) {
        // The supervisor brings it back, as it would after a crash.
        await target.process.stop(killOptions.signal ?? 'SIGKILL');
        return waitFor(async () => find(name, index) !== target && find(name, index), {
          timeoutMs: options.supervise.restartDelayMs + 10_000,
          intervalMs: 50,
          what: `${name} ${index} restarted by the supervisor`,
        });
      }
      intended.add(target.process);
      await target.process.stop(killOptions.signal ?? 'SIGKILL');
      if (killOptions.restartAfterMs === undefined) return target;
      await new Promise((resolve) => setTimeout(resolve, killOptions.restartAfterMs));
      const spec = specs.find((s) => s.spec.name === name && s.index === index)!;
      const restarted = launch(spec);
      replicas[replicas.indexOf(target)] = restarted;
      return restarted;
    },
    async stopReplica(name, index) {
      const target = find(name, index);
      intended.add(target.process);
      await target.process.stop('SIGTERM');
    },
    async startReplica(name, index) {
      const target = find(name, index);
      const spec = specs.find((s) => s.spec.name === name && s.index === index)!;
      const started = launch(spec);
      replicas[replicas.indexOf(target)] = started;
      await waitForHttp(`${started.url}/readyz`, 90_000);
      return started;
    },
    signal(name, index, signal) {
      find(name, index).process.child.kill(signal);
    },
    restarts: () => ({ ...restartCounts }),
    async stop() {
      stopping = true;
      // A stopped process would never see its SIGTERM.
      for (const r of replicas) r.process.child.kill('SIGCONT');
      const codes = await Promise.all(replicas.map((r) => r.process.stop('SIGTERM')));
      await smtp.stop();
      await deleteKafkaNamespace(namespace, brokers).catch(() => {});
      return codes;
    },
  };
}

/** Point the gateway's service URLs at every replica of each service (gateway/src/config.ts). */
function routeGatewayToEveryReplica(specs: { spec: StackProcess; port: number }[]): void {
  const urlsOf = (name: StackProcess['name']) =>
    specs
      .filter((s) => s.spec.name === name)
      .map((s) => `http://127.0.0.1:${s.port}`)
      .join(',');
  const gateway = specs.find((s) => s.spec.name === 'gateway');
  if (!gateway) return;
  gateway.spec = {
    ...gateway.spec,
    env: {
      ...gateway.spec.env,
      AUTH_SERVICE_URL: urlsOf('auth'),
      ORDER_SERVICE_URL: urlsOf('order'),
      PAYMENT_SERVICE_URL: urlsOf('payment'),
      NOTIFICATION_SERVICE_URL: urlsOf('notification'),
      BILLING_SERVICE_URL: urlsOf('billing'),
    },
  };
}
