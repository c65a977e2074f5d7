import { createMessaging, type Messaging } from '@switchyard/messaging';
import { createApp, jwtAuth, metricsRegistry, type App } from '@switchyard/service-kit';
import type { AuthConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { KeyStore } from './keys/key-store.js';
import { authRoutes } from './routes/auth.js';
import { jwksRoutes } from './routes/jwks.js';
import type { AccessTokenSettings } from './tokens/access-token.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    keys: KeyStore;
    messaging: Messaging;
    tokens: AccessTokenSettings & { refreshTtlSeconds: number };
  }
}

/** The auth service: accounts, tokens and the public signing keys. */
export async function buildApp(config: AuthConfig): Promise<App> {
  const app = await createApp({ service: 'auth', logLevel: config.LOG_LEVEL });
  const db = createDb(config.DATABASE_URL);
  const keys = new KeyStore(db);
  await keys.load();
  const messaging = createMessaging({
    service: 'auth',
    brokers: config.KAFKA_BROKERS.split(','),
    namespace: config.KAFKA_NAMESPACE,
    db,
    logger: app.log,
    registry: metricsRegistry,
  });
  app.decorate('db', db);
  app.decorate('keys', keys);
  app.decorate('messaging', messaging);
  app.decorate('tokens', {
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
    refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
  });
  app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'));
  app.addReadinessCheck('kafka', () => messaging.checkReady());

  // Zero trust applies here too: /me verifies the token like every other service.
  await app.register(jwtAuth, {
    keys: keys.getKey,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  await app.register(jwksRoutes);
  await app.register(authRoutes);

  app.addHook('onReady', () => messaging.start());
  app.addHook('onClose', async () => {
    await messaging.stop();
    await db.$disconnect();
  });
  return app;
}
