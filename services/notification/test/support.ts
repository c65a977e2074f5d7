import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { NotificationConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The notification service on real Postgres, Kafka, JWKS and an SMTP capture server. */
export const startNotificationService = (smtpUrl: string) =>
  startServiceUnderTest({
    service: 'notification',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    env: { SMTP_URL: smtpUrl, EMAIL_POLL_INTERVAL_MS: '100' },
    build: (env) => buildApp(loadConfig(NotificationConfig, env)),
  });
