import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { buildSandbox, SandboxConfig } from '@switchyard/payment-sandbox';
import { loadConfig } from '@switchyard/service-kit';
import Stripe from 'stripe';
import { createEvent } from '@switchyard/contracts';
import {
  freePort,
  publishEvent,
  queryDb,
  startServiceUnderTest,
  waitFor,
} from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { PaymentConfig, paymentConfigRules } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const sandboxApiKey = 'sk_test_payment_suite';
export const webhookSecret = 'whsec_payment_suite_secret';

/**
 * The payment service on a fresh real database and broker namespace, listening on a real port,
 * with the payment-provider sandbox (a real HTTP server) sending it signed webhooks.
 */
export async function startPaymentService(
  options: {
    env?: Record<string, string>;
    sandboxEnv?: Record<string, string>;
    providerDown?: boolean;
    /** Partitions per topic: 3 unless a test needs production's 12 (consumer concurrency). */
    kafkaPartitions?: number;
  } = {},
) {
  const servicePort = await freePort();
  const sandboxPort = await freePort();
  const sandbox = await buildSandbox(
    loadConfig(SandboxConfig, {
      PORT: String(sandboxPort),
      LOG_LEVEL: 'silent',
      SANDBOX_API_KEY: sandboxApiKey,
      SANDBOX_WEBHOOK_SECRET: webhookSecret,
      SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${servicePort}/v1/payments/webhooks/provider`,
      SANDBOX_DELAY_MS: '300',
      SANDBOX_HANG_MS: '3000',
      SANDBOX_WEBHOOK_RETRY_MS: '100',
      ...options.sandboxEnv,
    }),
  );
  // providerDown: the provider is unreachable until the test calls startSandbox().
  const startSandbox = () => sandbox.listen({ port: sandboxPort, host: '127.0.0.1' });
  if (!options.providerDown) await startSandbox();
  const service = await startServiceUnderTest({
    service: 'payment',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    kafkaPartitions: options.kafkaPartitions,
    env: {
      PROVIDER_URL: `http://127.0.0.1:${sandboxPort}`,
      PROVIDER_API_KEY: sandboxApiKey,
      PROVIDER_WEBHOOK_SECRET: webhookSecret,
      PROVIDER_TIMEOUT_MS: '1000',
      PROVIDER_RETRY_BASE_MS: '50',
      // The jobs are run by hand in tests (app.jobs.*.runNow()), not on a timer.
      RECONCILE_INTERVAL_MS: '3600000',
      WATCHDOG_INTERVAL_MS: '3600000',
      STUCK_AFTER_SECONDS: '1',
      GIVE_UP_AFTER_SECONDS: '3600',
      ...options.env,
    },
    build: (e) => buildApp(loadConfig(PaymentConfig, e, paymentConfigRules)),
  });
  await service.app.listen({ port: servicePort, host: '127.0.0.1' });
  return {
    ...service,
    sandbox,
    startSandbox,
    sandboxUrl: `http://127.0.0.1:${sandboxPort}`,
    serviceUrl: `http://127.0.0.1:${servicePort}`,
    async close() {
      await service.close();
      await sandbox.close();
    },
  };
}

export type PaymentService = Awaited<ReturnType<typeof startPaymentService>>;

export interface PaymentRow {
  id: string;
  status: string;
  provider_charge_id: string | null;
  amount_minor: number;
  amount_refunded_minor: number;
  failure_reason: string | null;
  last_provider_error: string | null;
  order_cancelled: boolean;
}

/** An order.created event, as the order service publishes it. */
export function orderCreated(paymentMethod: string, amount = 2500, userId = randomUUID()) {
  const orderId = randomUUID();
  return createEvent('order.created', {
    source: 'order',
    subject: orderId,
    data: {
      orderId,
      userId,
      paymentMethod,
      total: { amount, currency: 'EUR' },
      lines: [
        {
          productId: randomUUID(),
          name: 'Mug',
          quantity: 1,
          unitPrice: { amount, currency: 'EUR' },
        },
      ],
    },
  });
}

export async function paymentOf(
  service: PaymentService,
  orderId: string,
): Promise<PaymentRow | undefined> {
  const [row] = await queryDb<PaymentRow>(
    service.ctx.databaseUrl,
    'SELECT * FROM payments WHERE order_id = $1',
    [orderId],
  );
  return row;
}

export async function waitForPayment(
  service: PaymentService,
  orderId: string,
  until: (p: PaymentRow) => boolean,
  what: string,
): Promise<PaymentRow> {
  let found: PaymentRow | undefined;
  await waitFor(
    async () => {
      found = await paymentOf(service, orderId);
      return found !== undefined && until(found);
    },
    { what },
  );
  return found!;
}

/** The events this service announced about an order, in order (from its outbox). */
export async function eventsAbout(service: PaymentService, orderId: string): Promise<string[]> {
  const rows = await queryDb<{ event_type: string }>(
    service.ctx.databaseUrl,
    'SELECT event_type FROM outbox_events WHERE message_key = $1 ORDER BY seq',
    [orderId],
  );
  return rows.map((r) => r.event_type);
}

/** Place an order's charge the way production does: order.created over Kafka. */
export async function chargeOrder(service: PaymentService, paymentMethod: string, amount = 2500) {
  const event = orderCreated(paymentMethod, amount);
  await publishEvent(service.ctx.namespace, event);
  return event.data;
}

/**
 * Wait until the sandbox has delivered this PaymentIntent's webhook of `type` (answered 2xx). A test
 * that ends before a webhook it caused is delivered leaves it to arrive while the service
 * closes: answered 503 on a kept-alive connection, which holds the close for Fastify's
 * keep-alive timeout (72 s).
 */
export async function webhookDelivered(
  service: PaymentService,
  intentId: string,
  type: string,
): Promise<void> {
  await waitFor(
    async () =>
      service.sandbox.sandbox.webhooks.deliveries.some(
        (d) =>
          d.paymentIntentId === intentId &&
          d.type === type &&
          typeof d.status === 'number' &&
          d.status >= 200 &&
          d.status < 300,
      ),
    { what: `the ${type} webhook of ${intentId} delivered` },
  );
}

/**
 * Wait until the sandbox has no webhook left to deliver. A test that causes many (a charge's
 * each) waits for them before it ends, for the reason webhookDelivered gives.
 */
export async function sandboxWebhooksDone(service: PaymentService): Promise<void> {
  await waitFor(async () => service.sandbox.sandbox.webhooks.pendingStreams === 0, {
    what: "the sandbox's webhooks delivered",
    timeoutMs: 30_000,
  });
}

/**
 * The official SDK pointed at the test's sandbox: what a test does "at the provider" (a charge
 * made behind our back, a refund in the dashboard) it does the way Stripe's users do.
 */
export function providerSdk(service: PaymentService): Stripe {
  const url = new URL(service.sandboxUrl);
  return new Stripe(sandboxApiKey, {
    host: url.hostname,
    port: url.port,
    protocol: 'http',
    maxNetworkRetries: 0,
  });
}
