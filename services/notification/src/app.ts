import { auditPurgeTask, auditRoutes } from '@switchyard/audit';
import nodemailer from 'nodemailer';
import { topicAccess } from '@switchyard/contracts';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import {
  PeriodicTask,
  assertSeparateKeyrings,
  SecretBox,
  type App,
  dataExportRoute,
} from '@switchyard/service-kit';
import { exportNotificationData } from './inbox/export-notification-data.js';
import type { NotificationConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { EmailDispatcher } from './email/email-dispatcher.js';
import { smtpTransportUrl } from './email/smtp-url.js';
import { eraseUserHandlers } from './events/erase-user.js';
import { notificationHandlers } from './events/notify.js';
import { staffHandlers } from './staff/staff-handlers.js';
import { RealtimeHub } from './realtime/realtime-hub.js';
import { notificationRoutes } from './routes/notifications.js';
import { preferenceRoutes } from './routes/preferences.js';
import { streamRoutes } from './routes/stream.js';
import { adminWebhookRoutes } from './routes/admin-webhooks.js';
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
  return createServiceApp({
    service: 'notification',
    config,
    db: createDb(config.DATABASE_URL, config),
    migrationsDir: new URL('../prisma/migrations/', import.meta.url),
    build: (app, db) => {
      // Its own connection: a Redis client in subscriber mode can do nothing else.
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
      app.decorate('realtime', realtime);
      app.decorate('webhooks', { dispatcher, task: webhookTask });
      // Open streams would hold the server open: end them first; clients resume elsewhere.
      app.addHook('preClose', async () => {
        await realtime.close();
      });

      return {
        consume: {
          topics: [...topicAccess.notification.consumes],
          handlers: {
            ...eraseUserHandlers,
            ...notificationHandlers(db, {
              realtime,
              nudgeEmails: () => emails.nudge(),
              nudgeWebhooks: () => void webhookTask.runNow(),
              links: {
                billingAccountUrl: config.BILLING_ACCOUNT_URL,
                emailVerificationUrl: config.EMAIL_VERIFICATION_URL,
              },
            }),
            // Staff messages: the admins, the daily sales report, low-stock alerts.
            ...staffHandlers({ nudgeEmails: () => emails.nudge() }),
          },
          // Under load a fetched batch holds many events: one transaction (and one inbox
          // statement) for up to 50 of them instead of one each; a failure applies them one
          // by one.
          maxEventsPerTransaction: 50,
        },
        // The handlers nudge the email dispatcher, which ignores nudges once stopped: it starts
        // before the consumer and stops after it.
        beforeStart: async () => {
          await realtime.start();
          emails.start();
        },
        tasks: [webhookTask, auditPurgeTask({ db, config, logger: app.log })],
        afterStop: async () => {
          await emails.stop();
          await dispatcher.close();
          transport.close();
          subscriber.disconnect();
        },
        routes: async () => {
          await app.register(notificationRoutes);
          await app.register(auditRoutes, { service: 'notification', db });
          // The person's data export (ADR 20): gathered by the gateway's GET /v1/account/export.
          dataExportRoute(app, {
            service: 'notification',
            collect: (userId) => exportNotificationData(app.db, userId),
          });
          await app.register(preferenceRoutes);
          await app.register(streamRoutes, { hub: realtime, retryMs: config.SSE_RETRY_MS });
          await app.register(webhookEndpointRoutes, {
            secrets,
            policy,
            nudge: () => void webhookTask.runNow(),
          });
          await app.register(adminWebhookRoutes, { nudge: () => void webhookTask.runNow() });
        },
      };
    },
  });
}
