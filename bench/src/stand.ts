// The platform a benchmark run measures: the README's stack (infra/stack's definitions, one
// replica of each process, production's 12 partitions, info-level logs, tracing as the stack
// runs it), every process real on loopback, on a database prefix and topic namespace of its
// own. Two differences, both thresholds rather than code: rate limits are raised (the same
// Redis script runs, it just never says no) and access tokens live an hour (a run is longer
// than the default 15 min).
import {
  consumerState,
  queryDb,
  startPlatform,
  testDatabaseTag,
  waitFor,
  type Platform,
  type PlatformOptions,
  type Replica,
} from '@switchyard/testing';
import { customerPool, type SagaTarget } from './target.js';

export const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
/** Customers placing the open-loop orders, each with their own token, as real traffic has. */
const CUSTOMERS = 50;

/** A JSON answer: its status and its (object) body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface Stand extends SagaTarget {
  platform: Platform;
  /** A signed-in customer's access token (for the closed-loop loads; lives an hour). */
  token: string;
  userId: string;
  /** The replicas a benchmark measures now (a stopped replica is not one of them). */
  live(): Replica[];
  /** Run `work` with a second notification replica up (the SSE fan-out across replicas). */
  withSecondNotificationReplica<T>(work: () => Promise<T>): Promise<T>;
  /** POST JSON through the gateway; the parsed answer and its status. */
  post(path: string, body: unknown, token?: string): Promise<Answer>;
  get(path: string, token: string): Promise<Answer>;
  stop(): Promise<void>;
}

export interface StandOptions {
  /** Node options per process, e.g. `--cpu-prof` for a profiled run. */
  nodeArgs?: PlatformOptions['nodeArgs'];
}

async function call(base: string, method: string, path: string, body?: unknown, token?: string) {
  const res = await fetch(base + path, {
    method,
    headers: {
      ...(body === undefined ? {} : { 'content-type': 'application/json' }),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
}

/** The stand's databases are named `<this>_<service>`. */
export const standDatabasePrefix = () => `switchyard_bench${testDatabaseTag()}`;

export async function standUp(options: StandOptions = {}): Promise<Stand> {
  const platform = await startPlatform({
    logLevel: 'info',
    // TEST_DATABASE_TAG keeps two checkouts' runs on one PostgreSQL apart, as for the tests.
    databasePrefix: standDatabasePrefix(),
    // The second notification replica runs only for the SSE fan-out across replicas.
    replicas: { notification: 2 },
    // As the README's stack and production: 12 partitions bound consumer concurrency.
    topicPartitions: 12,
    nodeArgs: options.nodeArgs,
    env: {
      RATE_LIMIT_PER_MINUTE: '100000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
      // Production's (the test harness shortens it for faster stops): idle fetches cost CPU.
      KAFKA_FETCH_MAX_WAIT_MS: '5000',
    },
  });
  // A replica joining starts a rebalance that waits for every member's batch in hand: after a
  // checkout benchmark's burst that can be a long backlog of invoices and emails.
  const consuming = (replicas: Replica[]) =>
    waitFor(
      async () => {
        for (const r of replicas) {
          if (!['order', 'payment', 'notification'].includes(r.name)) continue;
          // Thrown, not false: on a timeout, waitFor names the last replica that was not consuming.
          const state = await consumerState(r.url);
          if (state !== 'consuming')
            throw new Error(`${r.name} replica ${r.index}: consumer ${state}`);
        }
        return true;
      },
      { timeoutMs: 120_000, what: 'every consumer in its group' },
    );
  const live = () => platform.replicas.filter((r) => r.process.child.exitCode === null);
  try {
    await platform.stopReplica('notification', 1);
    const customers = customerPool(platform.serviceUrl('auth'), CUSTOMERS);
    const first = (await customers())[0]!;
    const orderDatabaseUrl = platform.processes.find((p) => p.name === 'order')!.database!.url;
    const notificationDatabaseUrl = platform.processes.find((p) => p.name === 'notification')!
      .database!.url;
    // Checkout benchmarks place tens of thousands of orders: stock must never be the limit.
    await queryDb(orderDatabaseUrl, 'UPDATE products SET stock = 100000000 WHERE id = $1', [MUG]);
    await consuming(live());
    return {
      platform,
      ...first,
      gatewayUrl: platform.gatewayUrl,
      customers,
      orderDatabaseUrl,
      notificationDatabaseUrl,
      live,
      processes: () => [
        ...live().map((r) => ({ name: r.name, pid: r.process.child.pid!, url: r.url })),
        { name: 'smtp capture', pid: platform.smtp.pid },
      ],
      async withSecondNotificationReplica(work) {
        await platform.startReplica('notification', 1);
        try {
          await consuming(live());
          return await work();
        } finally {
          await platform.stopReplica('notification', 1);
        }
      },
      post: (path, body, t) => call(platform.gatewayUrl, 'POST', path, body, t),
      get: (path, t) => call(platform.gatewayUrl, 'GET', path, undefined, t),
      stop: async () => {
        await platform.stop();
      },
    };
  } catch (error) {
    await platform.stop();
    throw error;
  }
}

/** Body of an order for one mug, paid by a card the sandbox accepts at once. */
export const ONE_MUG = JSON.stringify({
  lines: [{ productId: MUG, quantity: 1 }],
  paymentMethod: 'pm_card_visa',
});
