import { auditPurgeTask, auditRoutes } from '@switchyard/audit';
import { topicAccess } from '@switchyard/contracts';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import { dataExportRoute, type App } from '@switchyard/service-kit';
import { exportOrderData } from './orders/export-order-data.js';
import { eraseUserHandlers } from './events/erase-user.js';
import { CatalogCache } from './catalog/catalog-cache.js';
import type { OrderConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { paymentResultHandlers } from './events/apply-payment-result.js';
import { adminOrderRoutes } from './routes/admin-orders.js';
import { adminReportRoutes } from './routes/admin-reports.js';
import { orderRoutes } from './routes/orders.js';
import { orderExpiryTask } from './orders/order-expiry.js';
import { productRoutes } from './routes/products.js';
import { automationClock } from './automation/automation-clock.js';
import { dailySalesReportTask } from './automation/daily-sales-report-task.js';
import { lowStockAlertTask } from './automation/low-stock-alerts.js';
import { adminLowStockRoutes } from './routes/admin-low-stock.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
    catalogCache: CatalogCache;
  }
}

/** The order service as a Fastify app: catalog, orders, and its side of the payment saga. */
export async function buildApp(config: OrderConfig): Promise<App> {
  return createServiceApp({
    service: 'order',
    config,
    db: createDb(config.DATABASE_URL, config),
    migrationsDir: new URL('../prisma/migrations/', import.meta.url),
    // Redis is only the catalog cache here: the service starts and serves without it.
    redisRequired: false,
    build: (app, db) => {
      app.decorate(
        'catalogCache',
        new CatalogCache(
          app.redis,
          config.CATALOG_CACHE_TTL_SECONDS,
          config.CACHE_NAMESPACE,
          app.log.child({ component: 'catalog-cache' }),
        ),
      );
      const expiry = orderExpiryTask({
        db,
        logger: app.log.child({ component: 'order-expiry' }),
        paymentTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT_SECONDS,
        intervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
        onExpired: async () => {
          app.messaging.relay.nudge();
          await app.catalogCache.invalidate();
        },
      });
      const automations = [
        lowStockAlertTask({
          db,
          enabled: config.LOW_STOCK_ALERTS_ENABLED,
          defaultThreshold: config.LOW_STOCK_DEFAULT_THRESHOLD,
          intervalMs: config.LOW_STOCK_DISPATCH_INTERVAL_MS,
          logger: app.log.child({ component: 'low-stock-alerts' }),
          onPublished: () => app.messaging.relay.nudge(),
        }),
        ...(config.SALES_REPORT_ENABLED
          ? [
              dailySalesReportTask({
                db,
                clock: automationClock(db.pool, config.AUTOMATION_TEST_CLOCK),
                cron: config.SALES_REPORT_CRON,
                timeZone: config.SALES_REPORT_TZ,
                graceSeconds: config.SALES_REPORT_MISFIRE_GRACE_SECONDS,
                leaseSeconds: config.SALES_REPORT_LEASE_SECONDS,
                intervalMs: config.SALES_REPORT_CHECK_INTERVAL_MS,
                logger: app.log.child({ component: 'daily-sales-report' }),
                onReported: () => app.messaging.relay.nudge(),
              }),
            ]
          : []),
      ];
      return {
        consume: {
          topics: [...topicAccess.order.consumes],
          handlers: {
            ...paymentResultHandlers(() => app.catalogCache.invalidate()),
            ...eraseUserHandlers,
          },
          // Under load a fetched batch holds many payment results: one transaction (and one
          // inbox statement) for up to 50 of them instead of one each; a failure applies them
          // one by one.
          maxEventsPerTransaction: 50,
        },
        tasks: [expiry, ...automations, auditPurgeTask({ db, config, logger: app.log })],
        routes: async () => {
          await app.register(productRoutes);
          // The person's data export (ADR 20): gathered by the gateway's GET /v1/account/export.
          dataExportRoute(app, {
            service: 'order',
            collect: (userId) => exportOrderData(app.db, userId),
          });
          await app.register(orderRoutes, { idempotencyLockMs: config.IDEMPOTENCY_LOCK_MS });
          await app.register(adminOrderRoutes);
          await app.register(adminReportRoutes);
          await app.register(adminLowStockRoutes, {
            defaultThreshold: config.LOW_STOCK_DEFAULT_THRESHOLD,
          });
          await app.register(auditRoutes, { service: 'order', db });
        },
      };
    },
  });
}
