import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { waitFor, type Platform } from '@switchyard/testing';

const run = promisify(execFile);
export const PASSWORD = 'a long enough passphrase';

/** The public API as a client developer calls it: the test's own, apart from the console. */
export function platformApi(platform: Platform) {
  async function call<T = any>(
    method: string,
    path: string,
    options: { token?: string; body?: unknown } = {},
  ): Promise<{ status: number; body: T }> {
    const res = await fetch(platform.gatewayUrl + path, {
      method,
      headers: {
        ...(options.token ? { authorization: `Bearer ${options.token}` } : {}),
        ...(options.body === undefined ? {} : { 'content-type': 'application/json' }),
      },
      body: options.body === undefined ? undefined : JSON.stringify(options.body),
    });
    const text = await res.text();
    return { status: res.status, body: (text ? JSON.parse(text) : undefined) as T };
  }

  async function signIn(email: string): Promise<string> {
    const res = await call('POST', '/v1/auth/login', { body: { email, password: PASSWORD } });
    expect(res.status).toBe(200);
    return res.body.accessToken;
  }

  return {
    call,
    signIn,
    /** A new account; its access token is asked for when needed (tokens are short-lived here). */
    async register(name: string): Promise<{ email: string; name: string }> {
      const email = `${name.toLowerCase()}-${randomUUID()}@example.com`;
      const res = await call('POST', '/v1/auth/register', {
        body: { email, password: PASSWORD, name },
      });
      expect(res.status).toBe(201);
      return { email, name };
    },
    /** The admin role, granted as an operator does (auth's CLI on its database). */
    async grantAdmin(email: string): Promise<void> {
      const auth = platform.processes.find((p) => p.name === 'auth')!;
      await run(process.execPath, ['dist/cli/grant-role.js', email, 'admin'], {
        cwd: auth.cwd,
        env: { ...process.env, DATABASE_URL: auth.database!.url },
      });
    },
    /** `count` orders of one unit each, placed at once (left to the saga). */
    async placeOrders(email: string, productId: string, count: number): Promise<void> {
      const token = await signIn(email);
      const placed = await Promise.all(
        Array.from({ length: count }, () =>
          call('POST', '/v1/orders', {
            token,
            body: { lines: [{ productId, quantity: 1 }], paymentMethod: 'pm_card_visa' },
          }),
        ),
      );
      expect(placed.map((p) => p.status)).toEqual(placed.map(() => 201));
    },
    /** An order of `quantity` of a product, paid with the sandbox's test card; once paid. */
    async placePaidOrder(email: string, productId: string, quantity: number) {
      const token = await signIn(email);
      const placed = await call('POST', '/v1/orders', {
        token,
        body: { lines: [{ productId, quantity }], paymentMethod: 'pm_card_visa' },
      });
      expect(placed.status).toBe(201);
      const id: string = placed.body.id;
      return waitFor(
        async () => {
          const order = await call('GET', `/v1/orders/${id}`, { token });
          return order.body.status === 'paid' ? order.body : undefined;
        },
        { timeoutMs: 30_000, what: `order ${id} to be paid` },
      );
    },
  };
}
