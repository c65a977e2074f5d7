import { randomUUID } from 'node:crypto';
import { auditPurgeTask, auditRoutes } from '@switchyard/audit';
import { topicAccess } from '@switchyard/contracts';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import { PeriodicTask, type App, dataExportRoute } from '@switchyard/service-kit';
import { exportPaymentData } from './payments/export-payment-data.js';
import { eraseUserHandlers } from './events/erase-user.js';
import type { PaymentConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { chargeOrderHandler } from './events/charge-order.js';
import { chargeSubscriptionHandler } from './events/charge-subscription.js';
import { refundSubscriptionHandler } from './events/refund-subscription.js';
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
  return createServiceApp({
    service: 'payment',
    config,
    db: createDb(config.DATABASE_URL, config),
    migrationsDir: new URL('../prisma/migrations/', import.meta.url),
    // Redis only for the disabled-user denylist: the service starts and serves without it.
    redisRequired: false,
    onPublished: countPublished,
    build: (app, db) => {
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
      app.decorate('processor', processor);

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
              app.messaging.relay.nudge();
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

      return {
        consume: {
          topics: [...topicAccess.payment.consumes],
          handlers: {
            'order.cancelled': orderCancelledHandler(processor),
            'billing.refund_requested': refundSubscriptionHandler(processor, app.log),
            ...eraseUserHandlers,
          },
          // The charges record their event in the inbox in the charge transaction itself.
          selfRecording: {
            'order.created': chargeOrderHandler(db, processor),
            'billing.charge_requested': chargeSubscriptionHandler(db, processor, app.log),
          },
        },
        tasks: [jobs.reconcile, jobs.watchdog, auditPurgeTask({ db, config, logger: app.log })],
        // Provider calls in flight end now; their work is redone after restart.
        beforeStop: () => shutdown.abort(),
        routes: async () => {
          await app.register(paymentRoutes);
          // The person's data export (ADR 20): gathered by the gateway's GET /v1/account/export.
          dataExportRoute(app, {
            service: 'payment',
            collect: (userId) => exportPaymentData(app.db, userId),
          });
          await app.register(paymentMethodRoutes, {
            savedMethods: new SavedMethodsClient(provider, config.PAYMENT_RETURN_URL),
          });
          await app.register(adminPaymentRoutes, { processor });
          await app.register(auditRoutes, { service: 'payment', db });
          await app.register(providerWebhookRoutes, {
            sdk: provider.sdk,
            processor,
            secret: config.PROVIDER_WEBHOOK_SECRET,
            toleranceSeconds: config.WEBHOOK_TOLERANCE_SECONDS,
            onApplied: async (refunds) => {
              app.messaging.relay.nudge();
              for (const id of refunds) await processor.executeRefund(id);
            },
          });
        },
      };
    },
  });
}
