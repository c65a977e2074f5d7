import type Stripe from 'stripe';
import { createApp, type App } from '@switchyard/service-kit';
import { SandboxClock } from './clock.js';
import type { SandboxConfig } from './config.js';
import { scheduleSettlement } from './domain/settle-payment.js';
import { parseStripeParams, registerFormBody } from './form-body.js';
import { IdempotencyRecords } from './idempotency.js';
import { Journal } from './journal.js';
import { idempotentRequests } from './plugins/idempotent-requests.js';
import { addRequestIds } from './plugins/request-ids.js';
import { stripeWire } from './plugins/stripe-wire.js';
import { authenticatePage } from './routes/authenticate-page.js';
import { chargeRoutes } from './routes/charges.js';
import { customerRoutes } from './routes/customers.js';
import { paymentIntentRoutes } from './routes/payment-intents.js';
import { paymentMethodRoutes } from './routes/payment-methods.js';
import { refundRoutes } from './routes/refunds.js';
import { setupIntentRoutes } from './routes/setup-intents.js';
import { testHelperRoutes } from './routes/test-helpers.js';
import { Sandbox } from './sandbox.js';
import { ObjectStore, type JournalRecord } from './store.js';
import { WebhookSender } from './webhooks.js';

declare module 'fastify' {
  interface FastifyInstance {
    sandbox: Sandbox;
  }
}

/** The account as the journal left it: objects, idempotent answers, the clock. */
function restore(journal: Journal<JournalRecord>) {
  const store = new ObjectStore(journal);
  const idempotency = new IdempotencyRecords(journal);
  const clock = new SandboxClock(journal);
  for (const record of journal.replay()) {
    if (record.kind === 'object') store.restore(record.object, record.internals);
    else if (record.kind === 'answer') idempotency.restore(record.key, record.fingerprint, record);
    else if (record.kind === 'clock') clock.restore(record.offsetMs);
    // Lines of other kinds (an older sandbox's journal) are skipped.
  }
  return { store, idempotency, clock };
}

/**
 * The payment-provider sandbox: a stateful, Stripe-compatible test provider (the subset in
 * README.md) that the official `stripe` SDK drives unchanged — PaymentIntents, Charges, Refunds,
 * Customers, PaymentMethods, SetupIntents, signed webhooks — with test cards that misbehave the
 * ways real providers do (test-methods.ts) and a journal that survives a restart.
 */
export async function buildSandbox(config: SandboxConfig): Promise<App> {
  const app = (await createApp({
    service: 'payment-sandbox',
    logLevel: config.LOG_LEVEL,
    serveOpenApi: true,
    fastify: { routerOptions: { querystringParser: parseStripeParams } },
  })) as unknown as App;
  await registerFormBody(app);
  addRequestIds(app);
  const journal = new Journal<JournalRecord>(config.SANDBOX_DATA_FILE);
  const { store, idempotency, clock } = restore(journal);
  const webhooks = new WebhookSender({
    url: config.SANDBOX_WEBHOOK_URL,
    secret: config.SANDBOX_WEBHOOK_SECRET,
    retryMs: config.SANDBOX_WEBHOOK_RETRY_MS,
    maxAttempts: config.SANDBOX_WEBHOOK_MAX_ATTEMPTS,
    log: app.log,
  });
  const closing = new AbortController();
  const sandbox = new Sandbox(config, store, clock, idempotency, webhooks, closing.signal);
  let redirectTargetHits = 0;
  app.decorate('sandbox', sandbox);
  app.addHook('onClose', async () => {
    closing.abort();
    await webhooks.close();
    journal.close();
  });

  // The promise to settle outlives a crash: a payment still processing from before a restart
  // settles when its delay is over (at once if it already is).
  for (const intent of store.all<Stripe.PaymentIntent>('payment_intent'))
    if (intent.status === 'processing') scheduleSettlement(sandbox, intent);

  await app.register(
    async (api) => {
      await stripeWire(api, { apiKey: config.SANDBOX_API_KEY });
      const requests = idempotentRequests(api, idempotency);
      const options = { sandbox, ...requests };
      await api.register(paymentIntentRoutes, options);
      await api.register(chargeRoutes, options);
      await api.register(refundRoutes, options);
      await api.register(customerRoutes, options);
      await api.register(paymentMethodRoutes, options);
      await api.register(setupIntentRoutes, options);
      await api.register(testHelperRoutes, {
        ...options,
        redirectTargetHits: () => redirectTargetHits,
      });
    },
    { prefix: '/v1' },
  );
  await app.register(authenticatePage, { sandbox });
  // Where pm_card_redirect points: a client that follows redirects would land here.
  app.all('/test_helpers/redirect_target', async () => {
    redirectTargetHits++;
    return { followed: true };
  });
  return app;
}
