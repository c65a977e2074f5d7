import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import type { Platform } from '@switchyard/testing';
import { request } from './http.js';
import type { IntegratorReceiver } from './webhook-receiver.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';

export interface Customer {
  userId: string;
  email: string;
  /** Replaced by signIn() when it expires (15 min): runs last longer. */
  token: string;
}

/** Sign in again, as a client does when its access token has expired. */
export async function signIn(gatewayUrl: string, who: Customer): Promise<void> {
  const login = await request(gatewayUrl, 'POST', '/v1/auth/login', {
    body: { email: who.email, password },
  });
  if (login.status === 200) who.token = login.body.accessToken;
}

/**
 * A request as this customer; an expired access token (15 min) is answered by signing in again
 * and retrying once, as a client does.
 */
export async function requestAs(
  gatewayUrl: string,
  who: Customer,
  method: string,
  path: string,
  init: Parameters<typeof request>[3] = {},
) {
  let answer = await request(gatewayUrl, method, path, { ...init, token: who.token });
  if (answer.status === 401) {
    await signIn(gatewayUrl, who);
    answer = await request(gatewayUrl, method, path, { ...init, token: who.token });
  }
  return answer;
}

export interface Actors {
  customers: Customer[];
  admin: Customer;
  /** A customer an admin disabled before the faults, still holding an unexpired token. */
  disabled: Customer;
  /** Products with plenty of stock, and one with little (placing can get a documented 409). */
  products: { plentiful: string[]; scarce: string; scarceStock: number };
}

async function must<T>(what: string, answer: Promise<{ status: unknown; body: T }>) {
  const res = await answer;
  if (typeof res.status !== 'number' || res.status >= 300)
    throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

/**
 * The people of the run, signed up through the gateway: customers, an admin (granted with the
 * auth service's CLI, as an operator does), a machine client that registers two integrator
 * webhook endpoints, and the products they buy.
 */
export async function prepareActors(
  platform: Platform,
  receiver: IntegratorReceiver,
  options: { customers: number; scarceStock: number },
): Promise<Actors> {
  const gw = platform.gatewayUrl;
  const signUp = async (label: string): Promise<Customer> => {
    const email = `${label}-${randomUUID()}@example.com`;
    const registered = await must(
      'register',
      request(gw, 'POST', '/v1/auth/register', { body: { email, password, name: label } }),
    );
    const login = await must(
      'login',
      request(gw, 'POST', '/v1/auth/login', { body: { email, password } }),
    );
    return { userId: registered.id, email, token: login.accessToken };
  };
  const customers = await Promise.all(
    Array.from({ length: options.customers }, (_, i) => signUp(`chaos${i}`)),
  );
  const boss = await signUp('boss');
  const auth = platform.processes.find((p) => p.name === 'auth')!;
  await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
    cwd: auth.cwd,
    env: { ...process.env, DATABASE_URL: auth.database!.url },
  });
  await signIn(gw, boss); // again: the role is in the token
  const adminToken = boss.token;

  const disabled = await signUp('disabled');
  await must(
    'disable a user',
    request(gw, 'PATCH', `/v1/auth/admin/users/${disabled.userId}`, {
      token: adminToken,
      body: { disabled: true },
    }),
  );

  const product = async (sku: string, stock: number) =>
    (
      await must(
        'create product',
        request(gw, 'POST', '/v1/products', {
          token: adminToken,
          body: { sku, name: sku, price: { amount: 1250, currency: 'EUR' }, stock },
        }),
      )
    ).id as string;
  const plentiful = [
    await product(`CHAOS-A-${Date.now()}`, 1_000_000),
    await product(`CHAOS-B-${Date.now()}`, 1_000_000),
  ];
  const scarce = await product(`CHAOS-SCARCE-${Date.now()}`, options.scarceStock);

  // An integrator's machine client: its endpoints receive every order and payment event.
  const client = await must(
    'create client',
    request(gw, 'POST', '/v1/auth/admin/clients', {
      token: adminToken,
      body: { name: 'chaos-erp', scopes: ['webhooks:manage'] },
    }),
  );
  const machine = await must(
    'client token',
    request(gw, 'POST', '/oauth/token', {
      form: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${encodeURIComponent(client.clientSecret)}&scope=webhooks%3Amanage`,
    }),
  );
  for (const path of receiver.paths) {
    const endpoint = await must(
      'register endpoint',
      request(gw, 'POST', '/v1/webhooks/endpoints', {
        token: machine.access_token,
        body: {
          url: `${receiver.base}${path}`,
          eventTypes: [
            'order.created',
            'order.paid',
            'order.cancelled',
            'payment.failed',
            'payment.refunded',
          ],
        },
      }),
    );
    receiver.setSecret(path, endpoint.secret);
  }
  return {
    customers,
    admin: boss,
    disabled,
    products: { plentiful, scarce, scarceStock: options.scarceStock },
  };
}
