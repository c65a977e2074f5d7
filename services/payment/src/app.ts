import { Topics } from '@switchyard/contracts';
import { createMessaging, type Messaging } from '@switchyard/messaging';
import { createApp, jwtAuth, metricsRegistry, type App } from '@switchyard/service-kit';
import type { PaymentConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { chargeOrderHandler } from './events/charge-order.js';
import type { PaymentProvider } from './provider/payment-provider.js';
import { SandboxPaymentProvider } from './provider/sandbox-provider.js';
import { paymentRoutes } from './routes/payments.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
  }
}

/** The payment service: charges orders through a PaymentProvider and reports the outcome. */
export async function buildApp(
  config: PaymentConfig,
  provider: PaymentProvider = new SandboxPaymentProvider(),
): Promise<App> {
  const app = await createApp({ service: 'payment', logLevel: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL);
  const messaging = createMessaging({
    service: 'payment',
    brokers: config.KAFKA_BROKERS.split(','),
    namespace: config.KAFKA_NAMESPACE,
    db,
    logger: app.log,
    registry: metricsRegistry,
    consume: {
      topics: [Topics.orders],
      handlers: { 'order.created': chargeOrderHandler(db, provider) },
    },
  });
  app.decorate('db', db);
  app.decorate('messaging', messaging);
  app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'));
  app.addReadinessCheck('kafka', () => messaging.checkReady());

  await app.register(jwtAuth, {
    jwksUrl: config.AUTH_JWKS_URL,
    jwksCooldownMs: config.JWKS_COOLDOWN_MS,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  await app.register(paymentRoutes);

  app.addHook('onReady', () => messaging.start());
  app.addHook('onClose', async () => {
    await messaging.stop();
    await db.$disconnect();
  });
  return app;
}
