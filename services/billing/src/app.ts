import { auditPurgeTask, auditRoutes } from '@switchyard/audit';
import { dataExportRoute } from '@switchyard/service-kit';
import { topicAccess } from '@switchyard/contracts';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import type { App } from '@switchyard/service-kit';
import { exportBillingData } from './documents/export-billing-data.js';
import { BillingClock } from './clock/billing-clock.js';
import { retryScheduleDays, type BillingConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { createDocumentIssuer } from './documents/billing-documents.js';
import { chargeHandlers } from './events/charge-events.js';
import { eraseCustomerHandlers } from './events/erase-customer.js';
import { customerHandlers } from './events/customer-events.js';
import { orderHandlers } from './events/order-events.js';
import { adminBillingRoutes } from './routes/admin-billing.js';
import { documentRoutes } from './routes/documents.js';
import { planRoutes } from './routes/plans.js';
import { subscriptionRoutes } from './routes/subscriptions.js';
import { BillingJobs } from './scheduler/billing-jobs.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
    clock: BillingClock;
    jobs: BillingJobs;
  }
}

/**
 * The billing service: plans and subscriptions, renewals and dunning, and the invoices and
 * credit notes for every charge and refund. It asks payment to charge through events.
 */
export async function buildApp(config: BillingConfig): Promise<App> {
  // Parsed before anything starts: a malformed tax table stops the process with one line.
  const documents = createDocumentIssuer(config);
  const retryDays = retryScheduleDays(config.BILLING_DUNNING_RETRY_DAYS);
  return createServiceApp({
    service: 'billing',
    config,
    db: createDb(config.DATABASE_URL, config),
    migrationsDir: new URL('../prisma/migrations/', import.meta.url),
    // Redis only carries the disabled-user denylist here.
    redisRequired: false,
    build: (app, db) => {
      const clock = new BillingClock(db, config.BILLING_TEST_CLOCK);
      const committed = () => app.messaging.relay.nudge();
      const jobs = new BillingJobs({
        db,
        clock,
        logger: app.log.child({ component: 'billing-jobs' }),
        sweepCron: config.BILLING_SWEEP_CRON,
        pollingIntervalSeconds: config.BILLING_JOB_POLL_SECONDS,
        committed,
      });
      app.decorate('clock', clock);
      app.decorate('jobs', jobs);
      return {
        consume: {
          topics: [...topicAccess.billing.consumes],
          handlers: {
            ...customerHandlers(),
            ...eraseCustomerHandlers(clock),
            ...orderHandlers(documents.issuer, clock),
            ...chargeHandlers(documents.issuer, clock, retryDays),
          },
        },
        // pg-boss starts in the background (the API serves meanwhile) and stops first.
        tasks: [
          { start: () => jobs.startInBackground(), stop: () => jobs.stop() },
          auditPurgeTask({ db, config, logger: app.log }),
        ],
        routes: async () => {
          await app.register(planRoutes, { knowsTaxCategory: documents.knowsTaxCategory });
          // The person's data export (ADR 20): gathered by the gateway's GET /v1/account/export.
          dataExportRoute(app, {
            service: 'billing',
            collect: (userId) => exportBillingData(app.db, userId),
          });
          await app.register(subscriptionRoutes, { clock, committed });
          await app.register(adminBillingRoutes, { clock, jobs });
          await app.register(documentRoutes);
          await app.register(auditRoutes, { service: 'billing', db });
        },
      };
    },
  });
}
