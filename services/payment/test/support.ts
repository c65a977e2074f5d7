import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type App } from '@switchyard/service-kit';
import { setupServiceTest, type ServiceTestContext } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { PaymentConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The payment service on a fresh real database, broker namespace and JWKS. */
export async function startPaymentService(): Promise<{
  app: App;
  ctx: ServiceTestContext;
  close(): Promise<void>;
}> {
  const ctx = await setupServiceTest({
    service: 'payment',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
  });
  const app = await buildApp(loadConfig(PaymentConfig, ctx.env));
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
