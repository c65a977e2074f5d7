import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type App } from '@switchyard/service-kit';
import { setupServiceTest, type ServiceTestContext } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { NotificationConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The notification service on real Postgres, Kafka, JWKS and an SMTP capture server. */
export async function startNotificationService(
  smtpUrl: string,
): Promise<{ app: App; ctx: ServiceTestContext; close(): Promise<void> }> {
  const ctx = await setupServiceTest({
    service: 'notification',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    env: { SMTP_URL: smtpUrl, EMAIL_POLL_INTERVAL_MS: '100' },
  });
  const app = await buildApp(loadConfig(NotificationConfig, ctx.env));
  await app.ready();
  return {
    app,
    ctx,
    async close() {
      await app.close();
      await ctx.teardown();
    },
  };
}
