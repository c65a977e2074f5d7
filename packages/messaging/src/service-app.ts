import { schemaCurrencyCheck } from '@switchyard/db';
import {
  createApp,
  denylistCachePlugin,
  jwtAuth,
  metricsRegistry,
  redisPlugin,
  type App,
  type JwtAuthOptions,
} from '@switchyard/service-kit';
import { createMessaging, type KafkaSettings, type MessagingOptions } from './create-messaging.js';
import { deadLetterRoutes } from './dead-letter-routes.js';
import { messagingStatusRoutes } from './messaging-status-routes.js';
import { addServiceLifecycle, type LifecycleParts } from './service-lifecycle.js';
import type { TransactionalSqlClient } from './sql-client.js';

/** The settings every service reads (service-kit's ServerEnv, AuthEnv and KafkaEnv). */
export interface ServiceAppConfig extends KafkaSettings {
  LOG_LEVEL?: string;
  TRUSTED_PROXIES?: string;
  REDIS_URL: string;
  AUTH_ISSUER: string;
  AUTH_AUDIENCE: string;
  AUTH_JWKS_URL?: string;
  JWKS_COOLDOWN_MS?: number;
}

/** A service's Prisma client, by shape. */
export interface ServiceDatabase extends TransactionalSqlClient {
  $disconnect(): Promise<void>;
}

/** What is the service's own, built once the app has its database and Redis. */
export interface ServiceParts extends Omit<LifecycleParts, 'messaging' | 'db' | 'tasks'> {
  /** Topics and handlers; omit for a producer-only service (no dead-letter routes then). */
  consume?: MessagingOptions['consume'];
  /** Periodic jobs: started after messaging, stopped before it. */
  tasks?: LifecycleParts['tasks'];
  /** Registers the service's routes (after token verification is in place). */
  routes(app: App): Promise<void>;
}

export interface ServiceAppOptions<Db extends ServiceDatabase> {
  service: string;
  config: ServiceAppConfig;
  db: Db;
  /** The service's prisma/migrations/: not ready while the database lacks one of them. */
  migrationsDir: URL;
  /** false where Redis is only a cache and the service serves without it. */
  redisRequired?: boolean;
  /**
   * Verify tokens with these keys instead of the JWKS at AUTH_JWKS_URL, and read the denylist
   * from Redis instead of the in-memory cache (auth: it signs the tokens, writes the list).
   */
  ownKeys?: JwtAuthOptions['keys'];
  /** Told of each event the outbox relay published (business metrics). */
  onPublished?: MessagingOptions['onPublished'];
  /** Builds the service's components; `app.db` is set, `app.messaging` only once it returns. */
  build(app: App, db: Db): Promise<ServiceParts> | ServiceParts;
}

/**
 * A service's Fastify app with the wiring every service shares: Redis and the denylist,
 * readiness on Postgres and the schema, Kafka in /readyz, token verification, dead-letter
 * routes, and start and stop in order (addServiceLifecycle). The service brings only its own
 * parts through `build`.
 */
export async function createServiceApp<Db extends ServiceDatabase>(
  options: ServiceAppOptions<Db>,
): Promise<App> {
  const { config, db } = options;
  const app = await createApp({
    service: options.service,
    logLevel: config.LOG_LEVEL,
    trustedProxies: config.TRUSTED_PROXIES,
  });
  app.decorate<ServiceDatabase>('db', db);
  await app.register(redisPlugin, {
    url: config.REDIS_URL,
    ...(options.redisRequired === false ? { required: false } : {}),
  });
  // The disabled-user denylist from memory, kept current over Redis pub/sub: no Redis round
  // trip per request (the gateway reads the same list the same way).
  if (!options.ownKeys) await app.register(denylistCachePlugin);
  app.addReadinessCheck('postgres', () => db.$queryRawUnsafe('SELECT 1'));
  // Not ready while the database lacks a migration this code ships (the migration step of a
  // rolling deploy has not run yet).
  app.addReadinessCheck(
    'schema',
    schemaCurrencyCheck({
      migrationsDir: options.migrationsDir,
      query: (sql) => db.$queryRawUnsafe(sql),
    }),
  );

  let parts: ServiceParts;
  try {
    parts = await options.build(app, db);
  } catch (error) {
    // Nothing serves: close what was opened (Redis) and the pool before the error goes up.
    await app.close();
    await db.$disconnect();
    throw error;
  }

  const messaging = createMessaging({
    service: options.service,
    settings: config,
    db,
    logger: app.log,
    registry: metricsRegistry,
    ...(options.onPublished ? { onPublished: options.onPublished } : {}),
    ...(parts.consume ? { consume: parts.consume } : {}),
  });
  app.decorate('messaging', messaging);
  // Kafka is shown in /readyz but never holds the API back: consumers join in the background.
  app.addStatusReport(() => messaging.status());

  // Zero trust: every service verifies the token again, whatever the gateway did.
  await app.register(
    jwtAuth,
    options.ownKeys
      ? {
          keys: options.ownKeys,
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
          denylist: app.redis,
        }
      : {
          jwksUrl: config.AUTH_JWKS_URL,
          jwksCooldownMs: config.JWKS_COOLDOWN_MS,
          issuer: config.AUTH_ISSUER,
          audience: config.AUTH_AUDIENCE,
          denylist: app.denylist,
        },
  );
  if (parts.consume) await app.register(deadLetterRoutes, { messaging, db });
  await app.register(messagingStatusRoutes, { messaging, db });
  await parts.routes(app);

  addServiceLifecycle(app, {
    beforeStart: parts.beforeStart,
    messaging,
    tasks: parts.tasks ?? [],
    beforeStop: parts.beforeStop,
    afterStop: parts.afterStop,
    db,
  });
  return app;
}
