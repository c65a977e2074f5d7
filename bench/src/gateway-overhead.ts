// What does a request pay for going through the gateway? One run, side by side: the same
// authenticated GET of an order through the gateway and straight to the order service.
import os from 'node:os';
import autocannon from 'autocannon';
import { startPlatform } from '@switchyard/testing';

const seconds = Number(process.env.BENCH_SECONDS ?? 10);
const connections = Number(process.env.BENCH_CONNECTIONS ?? 10);
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';

interface Result {
  name: string;
  requestsPerSecond: number;
  p50: number;
  p99: number;
  non2xx: number;
  errors: number;
}

async function measure(name: string, url: string, token: string): Promise<Result> {
  const run = (duration: number) =>
    autocannon({ url, connections, duration, headers: { authorization: `Bearer ${token}` } });
  await run(2); // warm-up: JIT, connection pools, JWKS cache
  const result = await run(seconds);
  return {
    name,
    requestsPerSecond: result.requests.average,
    p50: result.latency.p50,
    p99: result.latency.p99,
    non2xx: result.non2xx,
    errors: result.errors,
  };
}

const platform = await startPlatform({
  logLevel: 'warn',
  env: { RATE_LIMIT_PER_MINUTE: '100000000' },
});
try {
  const post = async (path: string, body: unknown, token?: string) => {
    const res = await fetch(platform.gatewayUrl + path, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        ...(token ? { authorization: `Bearer ${token}` } : {}),
      },
      body: JSON.stringify(body),
    });
    return res.json() as Promise<Record<string, string>>;
  };
  const email = `bench-${Date.now()}@example.com`;
  await post('/v1/auth/register', { email, password: 'a long bench passphrase', name: 'Bench' });
  const { accessToken } = await post('/v1/auth/login', {
    email,
    password: 'a long bench passphrase',
  });
  const order = await post(
    '/v1/orders',
    { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
    accessToken,
  );
  const path = `/v1/orders/${order.id}`;

  const direct = await measure(
    'order service, direct',
    platform.serviceUrl('order') + path,
    accessToken!,
  );
  const viaGateway = await measure('through the gateway', platform.gatewayUrl + path, accessToken!);

  const cpu = os.cpus()[0]?.model ?? 'unknown CPU';
  console.log(
    `\nmachine: ${os.cpus().length} × ${cpu}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, Node ${process.version}`,
  );
  console.log(
    `autocannon: ${connections} connections, ${seconds} s each after a 2 s warm-up, GET ${path.replace(order.id!, ':id')}\n`,
  );
  console.log('| path | requests/s | p50 ms | p99 ms | non-2xx | errors |');
  console.log('| --- | ---: | ---: | ---: | ---: | ---: |');
  for (const r of [direct, viaGateway]) {
    console.log(
      `| ${r.name} | ${r.requestsPerSecond.toFixed(0)} | ${r.p50} | ${r.p99} | ${r.non2xx} | ${r.errors} |`,
    );
  }
  console.log(
    `\nratios (gateway / direct): throughput ${(viaGateway.requestsPerSecond / direct.requestsPerSecond).toFixed(2)}, ` +
      `p50 ${(viaGateway.p50 / direct.p50).toFixed(2)}, p99 ${(viaGateway.p99 / direct.p99).toFixed(2)}`,
  );
} finally {
  await platform.stop();
}
