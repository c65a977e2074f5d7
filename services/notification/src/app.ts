import nodemailer from 'nodemailer';
import { Topics } from '@switchyard/contracts';
import { createMessaging, type Messaging } from '@switchyard/messaging';
import { createApp, jwtAuth, metricsRegistry, type App } from '@switchyard/service-kit';
import type { NotificationConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { EmailDispatcher } from './email/email-dispatcher.js';
import { notificationHandlers } from './events/notify.js';
import { notificationRoutes } from './routes/notifications.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
  }
}

/** The notification service: turns platform events into in-app notifications and emails. */
export async function buildApp(config: NotificationConfig): Promise<App> {
  const app = await createApp({ service: 'notification', logLevel: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL);
  const transport = nodemailer.createTransport(config.SMTP_URL);
  const emails = new EmailDispatcher({
    db,
    transport,
    from: config.MAIL_FROM,
    logger: app.log.child({ component: 'email-dispatcher' }),
    pollIntervalMs: config.EMAIL_POLL_INTERVAL_MS,
  });
  const messaging = createMessaging({
    service: 'notification',
    brokers: config.KAFKA_BROKERS.split(','),
    namespace: config.KAFKA_NAMESPACE,
    db,
    logger: app.log,
    registry: metricsRegistry,
    consume: {
      topics: [Topics.users, Topics.orders, Topics.payments],
      handlers: notificationHandlers,
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
  await app.register(notificationRoutes);

  app.addHook('onReady', async () => {
    await messaging.start();
    emails.start();
  });
  app.addHook('onClose', async () => {
    await messaging.stop();
    await emails.stop();
    transport.close();
    await db.$disconnect();
  });
  return app;
}
