import { schemaCurrencyCheck } from '@switchyard/db';
import { createMessaging, type Messaging } from '@switchyard/messaging';
import {
  createApp,
  jwtAuth,
  metricsRegistry,
  PeriodicTask,
  redisPlugin,
  assertSeparateKeyrings,
  SecretBox,
  type App,
} from '@switchyard/service-kit';
import type { AuthConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { syncDenylist } from './users/denylist-sync.js';
import { KeyStore } from './keys/key-store.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { jwksRoutes } from './routes/jwks.js';
import { oauthRoutes } from './routes/oauth.js';
import { LoginThrottle } from './security/login-throttle.js';
import type { AccessTokenSettings } from './tokens/access-token.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    keys: KeyStore;
    messaging: Messaging;
    tokens: AccessTokenSettings & { refreshTtlSeconds: number; passwordResetTtlSeconds: number };
    /** Seals reset tokens for the notification service. */
    resetTokenSealing: SecretBox;
    loginThrottle: LoginThrottle;
  }
}

/** The auth service: accounts, tokens and the public signing keys. */
export async function buildApp(config: AuthConfig): Promise<App> {
  const app = await createApp({
    service: 'auth',
    logLevel: config.LOG_LEVEL,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  const signingKeySealing = new SecretBox(
    config.SIGNING_KEY_SEALING_KEY,
    'SIGNING_KEY_SEALING_KEY',
  );
  const resetTokenSealing = new SecretBox(
    config.RESET_TOKEN_SEALING_KEY,
    'RESET_TOKEN_SEALING_KEY',
  );
  assertSeparateKeyrings({
    SIGNING_KEY_SEALING_KEY: signingKeySealing,
    RESET_TOKEN_SEALING_KEY: resetTokenSealing,
  });
  const db = createDb(config.DATABASE_URL, config);
  const keys = new KeyStore(db, signingKeySealing);
  try {
    await keys.load();
  } catch (error) {
    await db.$disconnect();
    throw error;
  }
  const messaging = createMessaging({
    service: 'auth',
    settings: config,
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
    passwordResetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS,
  });
  app.decorate('resetTokenSealing', resetTokenSealing);
  await app.register(redisPlugin, { url: config.REDIS_URL });
  app.decorate(
    'loginThrottle',
    new LoginThrottle(app.redis, {
      maxFailuresPerAccount: config.LOGIN_MAX_FAILURES,
      maxFailuresPerIp: config.LOGIN_MAX_FAILURES_PER_IP,
      windowSeconds: config.LOGIN_FAILURE_WINDOW_SECONDS,
      namespace: config.LOGIN_THROTTLE_NAMESPACE,
    }),
  );
  const denylistSync = new PeriodicTask({
    name: 'denylist sync',
    intervalMs: config.DENYLIST_SYNC_INTERVAL_MS,
    run: async () => void (await syncDenylist(db, app.redis, config.ACCESS_TOKEN_TTL_SECONDS)),
    logger: app.log,
  });
  // A Redis that comes back may have come back empty: write the denylist again at once.
  app.redis.on('ready', () => void denylistSync.runNow());
  keys.startReloading(config.KEY_RELOAD_INTERVAL_MS, (error) =>
    app.log.error({ err: error }, 'could not reload signing keys; keeping the current ones'),
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

  // Zero trust applies here too: /me verifies the token like every other service.
  await app.register(jwtAuth, {
    keys: keys.getKey,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    denylist: app.redis,
  });
  await app.register(jwksRoutes);
  await app.register(authRoutes);
  await app.register(adminRoutes, {
    clientSecretOverlapSeconds: config.MACHINE_CLIENT_SECRET_OVERLAP_SECONDS,
  });
  await app.register(oauthRoutes);

  app.addHook('onReady', async () => {
    // Before serving: until the list and its marker are written, the gateway and the services
    // answer 503 to every authenticated request (a Redis that is empty may have lost it).
    await denylistSync.runNow();
    denylistSync.start();
    await messaging.start();
  });
  app.addHook('onClose', async () => {
    keys.stopReloading();
    await denylistSync.stop();
    await messaging.stop();
    await db.$disconnect();
  });
  return app;
}
