import { auditPurgeTask, auditRoutes } from '@switchyard/audit';
import { createServiceApp, type Messaging } from '@switchyard/messaging';
import {
  PeriodicTask,
  assertSeparateKeyrings,
  SecretBox,
  type App,
  dataExportRoute,
} from '@switchyard/service-kit';
import { exportAccountData } from './users/export-account-data.js';
import type { AuthConfig } from './config.js';
import { createDb, type Db } from './db.js';
import { syncDenylist } from './users/denylist-sync.js';
import { KeyStore } from './keys/key-store.js';
import { accountRoutes } from './routes/account.js';
import { accountDeletionRoutes } from './routes/account-deletion.js';
import { accountEmailRoutes } from './routes/account-email.js';
import { sessionRoutes } from './routes/sessions.js';
import { EmailSendLimit } from './security/email-send-limit.js';
import { adminRoutes } from './routes/admin.js';
import { authRoutes } from './routes/auth.js';
import { jwksRoutes } from './routes/jwks.js';
import { oauthRoutes } from './routes/oauth.js';
import { securityEventRoutes } from './routes/security-events.js';
import { LoginThrottle } from './security/login-throttle.js';
import type { AccessTokenSettings } from './tokens/access-token.js';
import { announceExistingStaff } from './users/announce-existing-staff.js';

declare module 'fastify' {
  interface FastifyInstance {
    db: Db;
    keys: KeyStore;
    messaging: Messaging;
    tokens: AccessTokenSettings & {
      refreshTtlSeconds: number;
      passwordResetTtlSeconds: number;
      emailVerificationTtlSeconds: number;
    };
    /** Seals reset tokens for the notification service. */
    resetTokenSealing: SecretBox;
    loginThrottle: LoginThrottle;
    emailSendLimit: EmailSendLimit;
  }
}

/** The auth service: accounts, tokens and the public signing keys. */
export async function buildApp(config: AuthConfig): Promise<App> {
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
  return createServiceApp({
    service: 'auth',
    config,
    db,
    migrationsDir: new URL('../prisma/migrations/', import.meta.url),
    // Zero trust applies here too, with auth's own keys; it writes the denylist, and reads it
    // from Redis rather than from a cache of it.
    ownKeys: keys.getKey,
    build: async (app) => {
      await keys.load();
      app.decorate('keys', keys);
      app.decorate('tokens', {
        issuer: config.AUTH_ISSUER,
        audience: config.AUTH_AUDIENCE,
        ttlSeconds: config.ACCESS_TOKEN_TTL_SECONDS,
        refreshTtlSeconds: config.REFRESH_TOKEN_TTL_SECONDS,
        passwordResetTtlSeconds: config.PASSWORD_RESET_TTL_SECONDS,
        emailVerificationTtlSeconds: config.EMAIL_VERIFICATION_TTL_SECONDS,
      });
      app.decorate(
        'emailSendLimit',
        new EmailSendLimit(app.redis, {
          maxPerWindow: config.VERIFICATION_EMAILS_PER_HOUR,
          windowSeconds: 3600,
          namespace: config.LOGIN_THROTTLE_NAMESPACE,
        }),
      );
      app.decorate('resetTokenSealing', resetTokenSealing);
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
      const auditPurge = auditPurgeTask({ db, config, logger: app.log });
      // A Redis that comes back may have come back empty: write the denylist again at once.
      app.redis.on('ready', () => void denylistSync.runNow());
      keys.startReloading(config.KEY_RELOAD_INTERVAL_MS, (error) =>
        app.log.error({ err: error }, 'could not reload signing keys; keeping the current ones'),
      );
      return {
        // Before serving: until the list and its marker are written, the gateway and the
        // services answer 503 to every authenticated request (a Redis that is empty may have
        // lost it).
        beforeStart: async () => {
          await denylistSync.runNow();
          const announced = await announceExistingStaff(db);
          if (announced) app.log.info({ announced }, 'existing admins announced to the services');
        },
        tasks: [denylistSync, auditPurge],
        beforeStop: () => keys.stopReloading(),
        routes: async () => {
          await app.register(jwksRoutes);
          // The person's data export (ADR 20): gathered by the gateway's GET /v1/account/export.
          dataExportRoute(app, {
            service: 'auth',
            collect: (userId) => exportAccountData(app.db, userId),
          });
          await app.register(authRoutes);
          await app.register(accountRoutes);
          await app.register(accountEmailRoutes);
          await app.register(sessionRoutes);
          await app.register(accountDeletionRoutes);
          await app.register(adminRoutes, {
            clientSecretOverlapSeconds: config.MACHINE_CLIENT_SECRET_OVERLAP_SECONDS,
          });
          await app.register(oauthRoutes);
          await app.register(securityEventRoutes);
          await app.register(auditRoutes, { service: 'auth', db });
        },
      };
    },
  });
}
