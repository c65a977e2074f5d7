import { topicAccess } from '@switchyard/contracts';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import type { App } from '@switchyard/service-kit';
import { CatalogCache } from './catalog/catalog-cache.js';
import type { OrderConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { paymentResultHandlers } from './events/apply-payment-result.js';
import { adminOrderRoutes } from './routes/admin-orders.js';
import { adminReportRoutes } from './routes/admin-reports.js';
import { orderRoutes } from './routes/orders.js';
import { orderExpiryTask } from './orders/order-expiry.js';
import { productRoutes } from './routes/products.js';

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
      return {
        consume: {
          topics: [...topicAccess.order.consumes],
          handlers: paymentResultHandlers(() => app.catalogCache.invalidate()),
          // Under load a fetched batch holds many payment results: one transaction (and one
          // inbox statement) for up to 50 of them instead of one each; a failure applies them
          // one by one.
          maxEventsPerTransaction: 50,
        },
        tasks: [expiry],
        routes: async () => {
          await app.register(productRoutes);
          await app.register(orderRoutes, { idempotencyLockMs: config.IDEMPOTENCY_LOCK_MS });
          await app.register(adminOrderRoutes);
          await app.register(adminReportRoutes);
        },
      };
    },
  });
}
