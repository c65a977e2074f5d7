import { schemaCurrencyCheck } from '@switchyard/db';
import nodemailer from 'nodemailer';
import { Topics } from '@switchyard/contracts';
import { createMessaging, deadLetterRoutes, type Messaging } from '@switchyard/messaging';
import {
  createApp,
  denylistCachePlugin,
  jwtAuth,
  metricsRegistry,
  PeriodicTask,
  redisPlugin,
  assertSeparateKeyrings,
  SecretBox,
  type App,
} from '@switchyard/service-kit';
import type { NotificationConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { EmailDispatcher } from './email/email-dispatcher.js';
import { smtpTransportUrl } from './email/smtp-url.js';
import { notificationHandlers } from './events/notify.js';
import { RealtimeHub } from './realtime/realtime-hub.js';
import { notificationRoutes } from './routes/notifications.js';
import { preferenceRoutes } from './routes/preferences.js';
import { streamRoutes } from './routes/stream.js';
import { webhookEndpointRoutes } from './routes/webhook-endpoints.js';

import { targetPolicy } from './webhooks/ssrf-guard.js';
import { WebhookDispatcher } from './webhooks/webhook-dispatcher.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    messaging: Messaging;
    realtime: RealtimeHub;
    webhooks: { dispatcher: WebhookDispatcher; task: PeriodicTask };
  }
}

/**
 * The notification service: turns platform events into what customers and integrators hear —
 * in-app notifications (inbox and live stream), emails and signed webhooks — as their
 * preferences say.
 */
export async function buildApp(config: NotificationConfig): Promise<App> {
  const resetTokenSealing = new SecretBox(
    config.RESET_TOKEN_SEALING_KEY,
    'RESET_TOKEN_SEALING_KEY',
  );
  const secrets = new SecretBox(config.WEBHOOK_SECRETS_KEY, 'WEBHOOK_SECRETS_KEY');
  assertSeparateKeyrings({
    RESET_TOKEN_SEALING_KEY: resetTokenSealing,
    WEBHOOK_SECRETS_KEY: secrets,
  });
  const app = await createApp({
    service: 'notification',
    logLevel: config.LOG_LEVEL,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  const db = createDb(config.DATABASE_URL, config);
  await app.register(redisPlugin, { url: config.REDIS_URL });
  // The disabled-user denylist from memory, kept current over Redis pub/sub: no Redis round
  // trip per request (the gateway reads the same list the same way).
  await app.register(denylistCachePlugin);
  const subscriber = app.redis.duplicate();
  const realtime = new RealtimeHub({
    publisher: app.redis,
    subscriber,
    channel: config.REALTIME_CHANNEL,
    heartbeatMs: config.SSE_HEARTBEAT_MS,
    logger: app.log.child({ component: 'realtime' }),
  });

  const transport = nodemailer.createTransport(
    smtpTransportUrl(config.SMTP_URL, config.SMTP_TIMEOUT_MS, config.EMAIL_SEND_CONCURRENCY),
  );
  const emails = new EmailDispatcher({
    db,
    transport,
    from: config.MAIL_FROM,
    logger: app.log.child({ component: 'email-dispatcher' }),
    pollIntervalMs: config.EMAIL_POLL_INTERVAL_MS,
    concurrency: config.EMAIL_SEND_CONCURRENCY,
    leaseSeconds: Math.ceil((config.SMTP_TIMEOUT_MS * 4) / 1000),
    secrets: resetTokenSealing,
  });
  const policy = targetPolicy(config.WEBHOOK_ALLOWED_TARGETS);
  const dispatcher = new WebhookDispatcher({
    db,
    secrets,
    policy,
    logger: app.log.child({ component: 'webhook-dispatcher' }),
    timeoutMs: config.WEBHOOK_TIMEOUT_MS,
    maxAttempts: config.WEBHOOK_MAX_ATTEMPTS,
    retryBaseMs: config.WEBHOOK_RETRY_BASE_MS,
    disableAfterSeconds: config.WEBHOOK_DISABLE_AFTER_SECONDS,
    onOwnerNotified: () => emails.nudge(),
  });
  const webhookTask = new PeriodicTask({
    name: 'webhook delivery',
    intervalMs: config.WEBHOOK_POLL_INTERVAL_MS,
    logger: app.log,
    run: async () => {
      while ((await dispatcher.runOnce()) > 0) {
        /* keep going while deliveries are due */
      }
    },
  });

  const messaging = createMessaging({
    service: 'notification',
    settings: config,
    db,
    logger: app.log,
    registry: metricsRegistry,
    consume: {
      topics: [Topics.users, Topics.orders, Topics.payments],
      handlers: notificationHandlers(db, {
        realtime,
        nudgeEmails: () => emails.nudge(),
        nudgeWebhooks: () => void webhookTask.runNow(),
      }),
    },
  });
  app.decorate('db', db);
  app.decorate('messaging', messaging);
  app.decorate('realtime', realtime);
  app.decorate('webhooks', { dispatcher, task: webhookTask });
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
  await app.register(notificationRoutes);
  await app.register(preferenceRoutes);
  await app.register(streamRoutes, { hub: realtime, retryMs: config.SSE_RETRY_MS });
  await app.register(webhookEndpointRoutes, {
    secrets,
    policy,
    nudge: () => void webhookTask.runNow(),
  });

  app.addHook('onReady', async () => {
    await realtime.start();
    messaging.start();
    emails.start();
    webhookTask.start();
  });
  // Open streams would hold the server open: end them first; clients resume elsewhere.
  app.addHook('preClose', async () => {
    await realtime.close();
  });
  app.addHook('onClose', async () => {
    await webhookTask.stop();
    await messaging.stop();
    await emails.stop();
    await dispatcher.close();
    transport.close();
    subscriber.disconnect();
    await db.$disconnect();
  });
  return app;
}
