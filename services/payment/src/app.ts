import { schemaCurrencyCheck } from '@switchyard/db';
import { randomUUID } from 'node:crypto';
import { topicAccess } from '@switchyard/contracts';
import { createMessaging, deadLetterRoutes, type Messaging } from '@switchyard/messaging';
import {
  createApp,
  denylistCachePlugin,
  jwtAuth,
  metricsRegistry,
  PeriodicTask,
  redisPlugin,
  type App,
} from '@switchyard/service-kit';
import type { PaymentConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { chargeOrderHandler } from './events/charge-order.js';
import { orderCancelledHandler } from './events/order-cancelled.js';
import { runWithLease } from './jobs/job-lease.js';
import { reconcileWithProvider } from './jobs/reconciliation.js';
import { runSagaWatchdog } from './jobs/saga-watchdog.js';
import { PaymentProcessor } from './payments/payment-processor.js';
import { countPublished } from './payments/payment-metrics.js';
import { ProviderClient } from './provider/provider-client.js';
import { SavedMethodsClient } from './provider/saved-methods-client.js';
import { paymentMethodRoutes } from './routes/payment-methods.js';
import { adminPaymentRoutes } from './routes/admin-payments.js';
import { paymentRoutes } from './routes/payments.js';
import { providerWebhookRoutes } from './routes/provider-webhooks.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
    processor: PaymentProcessor;
    /** The periodic jobs, exposed so tests can run a pass now. */
    jobs: { reconcile: PeriodicTask; watchdog: PeriodicTask };
  }
}

/**
 * The payment service: charges orders through the payment provider's HTTP API, learns the
 * outcome from its answers, signed webhooks and reconciliation, refunds, and reports every
 * change as an event.
 */
export async function buildApp(config: PaymentConfig): Promise<App> {
  const app = await createApp({
    service: 'payment',
    logLevel: config.LOG_LEVEL,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  const db = createDb(config.DATABASE_URL, config);
  // Redis only for the disabled-user denylist: the service starts and serves without it.
  await app.register(redisPlugin, { url: config.REDIS_URL, required: false });
  // The disabled-user denylist from memory, kept current over Redis pub/sub: no Redis round
  // trip per request (the gateway reads the same list the same way).
  await app.register(denylistCachePlugin);
  // Aborted at shutdown: provider calls in flight end at once (their work is redone later).
  const shutdown = new AbortController();
  const provider = new ProviderClient({
    baseUrl: config.PROVIDER_URL,
    apiKey: config.PROVIDER_API_KEY,
    timeoutMs: config.PROVIDER_TIMEOUT_MS,
    maxAttempts: config.PROVIDER_MAX_ATTEMPTS,
    retryBaseMs: config.PROVIDER_RETRY_BASE_MS,
    budgetMs: config.PROVIDER_CALL_BUDGET_MS,
    shutdown: shutdown.signal,
    returnUrl: config.PAYMENT_RETURN_URL,
  });
  // Created before messaging, which needs its handlers; it nudges the relay through `app`.
  const processor = new PaymentProcessor({
    db,
    provider,
    log: app.log,
    committed: () => app.messaging.relay.nudge(),
    chargesInFlight: config.PAYMENT_CHARGES_IN_FLIGHT,
    shutdown: shutdown.signal,
  });
  const messaging = createMessaging({
    service: 'payment',
    settings: config,
    db,
    logger: app.log,
    registry: metricsRegistry,
    onPublished: countPublished,
    consume: {
      topics: [...topicAccess.payment.consumes],
      handlers: {
        'order.created': chargeOrderHandler(db, processor),
        'order.cancelled': orderCancelledHandler(processor),
      },
    },
  });
  app.decorate('db', db);
  app.decorate('messaging', messaging);
  app.decorate('processor', processor);
  app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'));
  // Not ready while the database lacks a migration this code ships (the migration step of a
  // rolling deploy has not run yet).
  app.addReadinessCheck(
    'schema',
    schemaCurrencyCheck({
      migrationsDir: new URL('../prisma/migrations/', import.meta.url),
      query: (sql) => db.$queryRawUnsafe(sql),
    }),
  );
  // Kafka is shown in /readyz but never holds the API back: consumers join in the background.
  app.addStatusReport(() => messaging.status());

  await app.register(jwtAuth, {
    jwksUrl: config.AUTH_JWKS_URL,
    jwksCooldownMs: config.JWKS_COOLDOWN_MS,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    denylist: app.denylist,
  });
  await app.register(deadLetterRoutes, { messaging });
  await app.register(paymentRoutes);
  await app.register(paymentMethodRoutes, {
    savedMethods: new SavedMethodsClient(provider, config.PAYMENT_RETURN_URL),
  });
  await app.register(adminPaymentRoutes, { processor });
  await app.register(providerWebhookRoutes, {
    sdk: provider.sdk,
    processor,
    secret: config.PROVIDER_WEBHOOK_SECRET,
    toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
    onApplied: async (refunds) => {
      messaging.relay.nudge();
      for (const id of refunds) await processor.executeRefund(id);
    },
  });

  // One replica at a time runs each job (a lease row); each pass is idempotent anyway.
  const replica = randomUUID();
  const leased = (
    job: string,
    intervalMs: number,
    run: (signal: AbortSignal) => Promise<unknown>,
  ) =>
    new PeriodicTask({
      name: job,
      intervalMs,
      logger: app.log,
      run: async () => {
        const seconds = Math.max(5, Math.ceil((intervalMs * 3) / 1000));
        await runWithLease(db, { job, holder: replica, seconds }, async (signal) => {
          await run(signal);
          messaging.relay.nudge();
        });
      },
    });
  const jobs = {
    reconcile: leased('payment reconciliation', config.RECONCILE_INTERVAL_MS, (signal) =>
      reconcileWithProvider({
        signal,
        db,
        provider,
        processor,
        logger: app.log.child({ component: 'reconciliation' }),
        lookbackHours: config.RECONCILE_LOOKBACK_HOURS,
      }),
    ),
    watchdog: leased('payment saga watchdog', config.WATCHDOG_INTERVAL_MS, (signal) =>
      runSagaWatchdog({
        signal,
        db,
        processor,
        logger: app.log.child({ component: 'saga-watchdog' }),
        stuckAfterSeconds: config.STUCK_AFTER_SECONDS,
        giveUpAfterSeconds: config.GIVE_UP_AFTER_SECONDS,
      }),
    ),
  };
  app.decorate('jobs', jobs);

  app.addHook('onReady', async () => {
    messaging.start();
    jobs.reconcile.start();
    jobs.watchdog.start();
  });
  // Order matters: stop the jobs, finish the current message, flush the outbox, then the database.
  app.addHook('onClose', async () => {
    shutdown.abort(); // provider calls in flight end now; their work is redone after restart
    await jobs.reconcile.stop();
    await jobs.watchdog.stop();
    await messaging.stop();
    await db.$disconnect();
  });
  return app;
}
