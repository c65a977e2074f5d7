import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig, type App } from '@switchyard/service-kit';
import { setupServiceTest, type ServiceTestContext } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { AuthConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The auth service on a fresh real database and broker namespace. */
export async function startAuthService(): Promise<{
  app: App;
  ctx: ServiceTestContext;
  close(): Promise<void>;
}> {
  const ctx = await setupServiceTest({
    service: 'auth',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
  });
  const app = await buildApp(loadConfig(AuthConfig, ctx.env));
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
