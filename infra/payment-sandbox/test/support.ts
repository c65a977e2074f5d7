import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Stripe from 'stripe';
import { loadConfig, type App } from '@switchyard/service-kit';
import { buildSandbox, SandboxConfig, type SandboxEvent } from '../src/index.js';

export const apiKey = 'sk_test_sandbox_suite';
export const webhookSecret = 'whsec_sandbox_suite_secret';

/** One webhook delivery as the receiver got it: the raw body and its signature header. */
export interface Delivery {
  body: string;
  signature: string;
  event: SandboxEvent;
}

/** A local endpoint that records every webhook and answers with `state.status` (200). */
export async function startReceiver() {
  const received: Delivery[] = [];
  const state = { status: 200 };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      received.push({
        body,
        signature: String(req.headers['stripe-signature']),
        event: JSON.parse(body) as SandboxEvent,
      });
      res.statusCode = state.status;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`;
  return {
    url,
    received,
    state,
    /** The deliveries whose event is about one of these objects (`data.object.id`). */
    about: (...ids: string[]) => received.filter((d) => ids.includes(d.event.data.object.id)),
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export type Receiver = Awaited<ReturnType<typeof startReceiver>>;

/** The official SDK, configured as the payment service configures it, against `port`. */
export const stripeClient = (port: number) =>
  new Stripe(apiKey, { host: '127.0.0.1', port, protocol: 'http', maxNetworkRetries: 0 });

/** The sandbox on an ephemeral port, with the SDK pointed at it. */
export async function startSandbox(env: Record<string, string> = {}) {
  const sandbox: App = await buildSandbox(
    loadConfig(SandboxConfig, {
      PORT: '0',
      LOG_LEVEL: 'silent',
      SANDBOX_API_KEY: apiKey,
      SANDBOX_WEBHOOK_SECRET: webhookSecret,
      SANDBOX_WEBHOOK_RETRY_MS: '20',
      SANDBOX_DELAY_MS: '50',
      ...env,
    }),
  );
  await sandbox.listen({ port: 0, host: '127.0.0.1' });
  const port = (sandbox.server.address() as AddressInfo).port;
  return { sandbox, port, stripe: stripeClient(port), baseUrl: `http://127.0.0.1:${port}` };
}

export type Running = Awaited<ReturnType<typeof startSandbox>>;

/** A test helper call (plain HTTP with the secret key: the SDK has no such methods). */
export async function helper(
  baseUrl: string,
  method: 'GET' | 'POST',
  path: string,
  form?: Record<string, string>,
) {
  const res = await fetch(`${baseUrl}${path}`, {
    method,
    headers: {
      authorization: `Bearer ${apiKey}`,
      ...(form ? { 'content-type': 'application/x-www-form-urlencoded' } : {}),
    },
    ...(form ? { body: new URLSearchParams(form).toString() } : {}),
  });
  return { status: res.status, body: (await res.json()) as any };
}

/**
 * A sandbox sending its webhooks to a local receiver for the whole `describe` (started before
 * its tests, closed after). The returned object's fields are set once `beforeAll` has run.
 */
export function sandboxWithReceiver(env: Record<string, string> = {}) {
  const running = {} as { receiver: Receiver; env: Running };
  beforeAll(async () => {
    running.receiver = await startReceiver();
    running.env = await startSandbox({ SANDBOX_WEBHOOK_URL: running.receiver.url, ...env });
  });
  afterAll(async () => {
    await running.env.sandbox.close();
    await running.receiver.close();
  });
  return running;
}
