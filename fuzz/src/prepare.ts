import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { waitFor, type Platform } from '@switchyard/testing';
import type { FuzzContext } from './requests.js';

const run = promisify(execFile);
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const password = 'a long enough passphrase';

async function call(
  gatewayUrl: string,
  method: string,
  path: string,
  token?: string,
  body?: unknown,
) {
  const res = await fetch(gatewayUrl + path, {
    method,
    headers: {
      ...(token ? { authorization: `Bearer ${token}` } : {}),
      ...(body !== undefined ? { 'content-type': 'application/json' } : {}),
    },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  // eslint-disable-next-line @typescript-eslint/no-explicit-any -- answers of many shapes
  return { status: res.status, body: (await res.json().catch(() => undefined)) as any };
}

/**
 * A customer with a paid order, and an admin, on a running platform: the tokens and ids the
 * fuzzer's requests use, so they reach the code behind the checks and not only the checks.
 */
export async function prepareContext(platform: Platform): Promise<FuzzContext> {
  const gw = platform.gatewayUrl;
  const signUp = async () => {
    const email = `fuzz-${randomUUID()}@example.com`;
    const registered = await call(gw, 'POST', '/v1/auth/register', undefined, {
      email,
      password,
      name: 'Fuzz',
    });
    const login = await call(gw, 'POST', '/v1/auth/login', undefined, { email, password });
    return { email, id: registered.body.id as string, token: login.body.accessToken as string };
  };
  const customer = await signUp();
  const other = await signUp();
  const boss = await signUp();
  const auth = platform.processes.find((p) => p.name === 'auth')!;
  await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
    cwd: auth.cwd,
    env: { ...process.env, DATABASE_URL: auth.database!.url },
  });
  const admin = (
    await call(gw, 'POST', '/v1/auth/login', undefined, { email: boss.email, password })
  ).body.accessToken as string;
  const client = await call(gw, 'POST', '/v1/auth/admin/clients', admin, {
    name: 'fuzz-machine',
    scopes: [
      'orders:read',
      'payments:read',
      'notifications:read',
      'catalog:write',
      'webhooks:manage',
    ],
  });
  const machine = await fetch(`${gw}/oauth/token`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: client.body.clientId,
      client_secret: client.body.clientSecret,
      scope: client.body.scopes.join(' '),
    }).toString(),
  });
  const machineToken = ((await machine.json()) as { access_token: string }).access_token;
  const orders: string[] = [];
  for (let i = 0; i < 2; i++) {
    const placed = await call(gw, 'POST', '/v1/orders', customer.token, {
      lines: [{ productId: MUG, quantity: 1 }],
      paymentMethod: 'pm_card_visa',
    });
    orders.push(placed.body.id as string);
  }
  const payment = await waitFor(
    async () => {
      const res = await call(gw, 'GET', `/v1/payments?orderId=${orders[0]}`, customer.token);
      return res.body?.items?.[0]?.status === 'succeeded'
        ? (res.body.items[0] as { id: string })
        : undefined;
    },
    { what: 'the seed order paid' },
  );
  const notifications = await call(gw, 'GET', '/v1/notifications', customer.token);
  const page = await call(gw, 'GET', '/v1/orders?limit=1', customer.token);
  return {
    tokens: { customer: customer.token, other: other.token, admin, machine: machineToken },
    knownIds: [
      ...orders,
      payment.id,
      MUG,
      customer.id,
      other.id,
      boss.id,
      ...((notifications.body?.items ?? []) as { id: string }[]).slice(0, 2).map((n) => n.id),
    ],
    knownPaymentId: payment.id,
    knownCursor: page.body?.nextCursor ?? undefined,
  };
}
