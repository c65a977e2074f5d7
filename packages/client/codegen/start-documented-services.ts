import { ensureDatabase } from '@switchyard/db';
import type { OpenApiDocument } from '@switchyard/gateway/api-docs';
import { migrateStack, stackProcesses, type StackPorts } from '@switchyard/stack';
import {
  freePort,
  resetDatabase,
  startProcess,
  testDatabaseTag,
  waitForHttp,
} from '@switchyard/testing';

export interface ServiceDocuments {
  /** Each service's own OpenAPI document, as its /openapi.json serves it. */
  documents: { service: string; document: OpenApiDocument }[];
  /** The environment the stack gives the gateway: its route table is made from it. */
  gatewayEnv: Record<string, string>;
}

const SERVICES = ['auth', 'order', 'payment', 'notification', 'billing'];

/**
 * Every service's OpenAPI document, read from the service itself: each runs as its own process
 * exactly as the stack runs it (infra/stack), and is asked for /openapi.json as the gateway asks.
 *
 * Why processes: a service's document is its routes' schemas, but @fastify/swagger builds it
 * only once the app is ready, and a service app cannot be built without its database (auth
 * loads its signing keys) and Redis (auth and notification wait for it), nor made ready without
 * starting its jobs and its Kafka consumers. Run in one process, five services would also
 * register the same metrics twice. So they run as the platform runs them, each on its own
 * database migrated here (PostgreSQL and Redis must be up). Kafka is not needed: a service
 * serves while its consumers try to join in the background.
 *
 * Billing's test clock is off, as in production: its routes are no part of the public API.
 */
export async function readServiceDocuments(): Promise<ServiceDocuments> {
  const ports: StackPorts = {
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
    postgresUrl: process.env.TEST_POSTGRES_URL ?? 'postgresql://postgres@127.0.0.1:5432/postgres',
    databasePrefix: `switchyard_client_docs${testDatabaseTag()}`,
    // No broker listens there: the documents do not depend on Kafka.
    kafkaBrokers: `127.0.0.1:${await freePort()}`,
    kafkaNamespace: 'client-docs.',
    redisUrl: process.env.TEST_REDIS_URL ?? 'redis://127.0.0.1:6379',
    smtpUrl: 'smtp://127.0.0.1:25',
    logLevel: 'error',
    billingTestClock: false,
  });
  const services = processes.filter((p) => SERVICES.includes(p.name));
  for (const service of services) {
    await ensureDatabase(service.database!.url);
    await resetDatabase(service.database!.url);
  }
  await migrateStack(services);

  const running = services.map((s) =>
    startProcess(`${s.name}-docs`, process.execPath, s.args, { cwd: s.cwd, env: s.env }),
  );
  try {
    const documents = await Promise.all(
      services.map(async (service) => {
        const url = `http://127.0.0.1:${service.port}`;
        await waitForHttp(`${url}/healthz`, 60_000);
        const res = await fetch(`${url}/openapi.json`);
        if (!res.ok) throw new Error(`${service.name}: /openapi.json answered ${res.status}`);
        return { service: service.name, document: (await res.json()) as OpenApiDocument };
      }),
    );
    const gateway = processes.find((p) => p.name === 'gateway')!;
    return { documents, gatewayEnv: gateway.env };
  } catch (error) {
    for (const r of running) console.error(`--- ${r.name} output ---\n${r.output().slice(-4000)}`);
    throw error;
  } finally {
    // Nothing to drain: no request in flight, no broker to flush to, databases of our own.
    await Promise.all(running.map((r) => r.stop('SIGKILL')));
  }
}
