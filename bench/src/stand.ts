// The platform a benchmark run measures: every process real, on loopback, quiet logs, limits
// raised so the benchmark measures the code rather than our own rate limiter.
import {
  isConsuming,
  queryDb,
  startPlatform,
  waitFor,
  type Platform,
  type PlatformOptions,
} from '@switchyard/testing';

export const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const PASSWORD = 'a long bench passphrase';

/** A JSON answer: its status and its (object) body. */
export interface Answer {
  status: number;
  body: Record<string, unknown>;
}

export interface Stand {
  platform: Platform;
  /** A signed-in customer's access token. */
  token: string;
  userId: string;
  orderDatabaseUrl: string;
  /** POST JSON through the gateway; the parsed answer and its status. */
  post(path: string, body: unknown, token?: string): Promise<Answer>;
  get(path: string, token: string): Promise<Answer>;
  stop(): Promise<void>;
}

export interface StandOptions {
  /** Node options per process, e.g. `--cpu-prof` for a profiled run. */
  nodeArgs?: PlatformOptions['nodeArgs'];
}

export async function standUp(options: StandOptions = {}): Promise<Stand> {
  const platform = await startPlatform({
    logLevel: 'warn',
    databasePrefix: 'switchyard_bench',
    // Two notification replicas: the SSE benchmark fans out over Redis between them.
    replicas: { notification: 2 },
    // As in production (k8s/overlays/production/kafka.yaml): partitions bound consumer concurrency.
    topicPartitions: 12,
    nodeArgs: options.nodeArgs,
    env: {
      RATE_LIMIT_PER_MINUTE: '100000000',
      AUTH_RATE_LIMIT_PER_MINUTE: '100000000',
      ACCESS_TOKEN_TTL_SECONDS: '3600',
    },
  });
  const call = async (method: string, path: string, body?: unknown, token?: string) => {
    const res = await fetch(platform.gatewayUrl + path, {
      method,
      headers: {
        ...(body === undefined ? {} : { 'content-type': 'application/json' }),
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : {}) as Record<string, unknown> };
  };
  try {
    const email = `bench-${Date.now()}@example.com`;
    await call('POST', '/v1/auth/register', { email, password: PASSWORD, name: 'Bench' });
    const login = await call('POST', '/v1/auth/login', { email, password: PASSWORD });
    if (login.status !== 200) throw new Error(`sign-in failed: ${login.status}`);
    const token = login.body.accessToken as string;
    const userId = JSON.parse(Buffer.from(token.split('.')[1]!, 'base64url').toString()).sub;
    const orderDatabaseUrl = platform.processes.find((p) => p.name === 'order')!.database!.url;
    // Checkout benchmarks place tens of thousands of orders: stock must never be the limit.
    await queryDb(orderDatabaseUrl, 'UPDATE products SET stock = 100000000 WHERE id = $1', [MUG]);
    await waitFor(
      async () => {
        for (const r of platform.replicas)
          if (['order', 'payment', 'notification'].includes(r.name) && !(await isConsuming(r.url)))
            return false;
        return true;
      },
      { timeoutMs: 60_000, what: 'every consumer in its group' },
    );
    return {
      platform,
      token,
      userId,
      orderDatabaseUrl,
      post: (path, body, t) => call('POST', path, body, t),
      get: (path, t) => call('GET', path, undefined, t),
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
