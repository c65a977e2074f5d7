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

export interface Platform {
  gatewayUrl: string;
  processes: StackProcess[];
  running: RunningProcess[];
  smtp: SmtpCapture;
  namespace: string;
  serviceUrl(name: StackProcess['name']): string;
  stop(): Promise<(number | null)[]>;
}

export interface PlatformOptions {
  logLevel?: string;
  /** Extra environment for every process (e.g. a higher rate limit for a benchmark). */
  env?: Record<string, string>;
}

/**
 * Start the whole platform — Kafka, SMTP capture, the payment-provider sandbox, the four
 * services and the gateway — as real processes on free ports, with their own databases and
 * Kafka namespace, isolated from any local stack. Used by the end-to-end tests and benchmarks.
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

  const running = processes.map((p) =>
    startProcess(p.name, process.execPath, p.args, {
      cwd: p.cwd,
      env: {
        ...p.env,
        RATE_LIMIT_PER_MINUTE: '100000',
        AUTH_RATE_LIMIT_PER_MINUTE: process.env.E2E_AUTH_RATE_LIMIT ?? '300',
        RATE_LIMIT_NAMESPACE: `switchyard:e2e:${namespace}rate:`,
        CACHE_NAMESPACE: namespace,
        REALTIME_CHANNEL: `switchyard:e2e:${namespace}notifications`,
        ...options.env,
      },
    }),
  );
  try {
    await Promise.all(
      processes.map((p) => waitForHttp(`http://127.0.0.1:${p.port}/readyz`, 90_000)),
    );
  } catch (error) {
    for (const r of running) {
      console.error(`--- ${r.name} output ---\n${r.output().slice(-4000)}`);
      await r.stop();
    }
    throw error;
  }
  return {
    gatewayUrl: `http://127.0.0.1:${ports.gateway}`,
    processes,
    running,
    smtp,
    namespace,
    serviceUrl: (name) => `http://127.0.0.1:${processes.find((p) => p.name === name)!.port}`,
    async stop() {
      const codes = await Promise.all(running.map((r) => r.stop('SIGTERM')));
      await smtp.stop();
      await deleteKafkaNamespace(namespace).catch(() => {});
      return codes;
    },
  };
}
