import { schemaCurrencyCheck } from '@switchyard/db';
import { topicAccess } from '@switchyard/contracts';
import { createMessaging, deadLetterRoutes, type Messaging } from '@switchyard/messaging';
import {
  createApp,
  denylistCachePlugin,
  jwtAuth,
  metricsRegistry,
  redisPlugin,
  type App,
} from '@switchyard/service-kit';
import { CatalogCache } from './catalog/catalog-cache.js';
import type { OrderConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { paymentResultHandlers } from './events/apply-payment-result.js';
import { adminOrderRoutes } from './routes/admin-orders.js';
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
  const app = await createApp({
    service: 'order',
    logLevel: config.LOG_LEVEL,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  const db = createDb(config.DATABASE_URL, config);
  const messaging = createMessaging({
    service: 'order',
    settings: config,
    db,
    logger: app.log,
    registry: metricsRegistry,
    consume: {
      topics: [...topicAccess.order.consumes],
      handlers: paymentResultHandlers(() => app.catalogCache.invalidate()),
      // Under load a fetched batch holds many payment results: one transaction (and one inbox
      // statement) for up to 50 of them instead of one each; a failure applies them one by one.
      maxEventsPerTransaction: 50,
    },
  });
  app.decorate('db', db);
  app.decorate('messaging', messaging);
  // Redis is only the catalog cache here: the service starts and serves without it.
  await app.register(redisPlugin, { url: config.REDIS_URL, required: false });
  // The disabled-user denylist from memory, kept current over Redis pub/sub: no Redis round
  // trip per request (the gateway reads the same list the same way).
  await app.register(denylistCachePlugin);
  app.decorate(
    'catalogCache',
    new CatalogCache(
      app.redis,
      config.CATALOG_CACHE_TTL_SECONDS,
      config.CACHE_NAMESPACE,
      app.log.child({ component: 'catalog-cache' }),
    ),
  );
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
  await app.register(productRoutes);
  await app.register(orderRoutes, { idempotencyLockMs: config.IDEMPOTENCY_LOCK_MS });
  await app.register(adminOrderRoutes);

  const expiry = orderExpiryTask({
    db,
    logger: app.log.child({ component: 'order-expiry' }),
    paymentTimeoutSeconds: config.ORDER_PAYMENT_TIMEOUT_SECONDS,
    intervalMs: config.EXPIRY_SWEEP_INTERVAL_MS,
    onExpired: async () => {
      messaging.relay.nudge();
      await app.catalogCache.invalidate();
    },
  });

  app.addHook('onReady', async () => {
    messaging.start();
    expiry.start();
  });
  // Order matters: finish the current message and flush the outbox before the database goes.
  app.addHook('onClose', async () => {
    await expiry.stop();
    await messaging.stop();
    await db.$disconnect();
  });
  return app;
}
