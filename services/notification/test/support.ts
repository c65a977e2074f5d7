import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { Logger } from '@switchyard/messaging';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { NotificationConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const TEST_WEBHOOK_SECRETS_KEY = Buffer.alloc(32, 7).toString('base64');
export const TEST_RESET_TOKEN_SEALING_KEY = Buffer.alloc(32, 9).toString('base64');

/** The notification service on real Postgres, Kafka, Redis, JWKS and an SMTP capture server. */
export const startNotificationService = (smtpUrl: string, env: Record<string, string> = {}) =>
  startServiceUnderTest({
    service: 'notification',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    env: {
      SMTP_URL: smtpUrl,
      EMAIL_POLL_INTERVAL_MS: '100',
      REDIS_URL: 'redis://127.0.0.1:6379',
      WEBHOOK_SECRETS_KEY: TEST_WEBHOOK_SECRETS_KEY,
      RESET_TOKEN_SEALING_KEY: TEST_RESET_TOKEN_SEALING_KEY,
      WEBHOOK_POLL_INTERVAL_MS: '100',
      WEBHOOK_RETRY_BASE_MS: '100',
      SSE_HEARTBEAT_MS: '200',
      ...env,
    },
    build: (e) =>
      buildApp(
        loadConfig(NotificationConfig, {
          ...e,
          // One channel per test run, so parallel suites do not see each other's messages.
          REALTIME_CHANNEL: `switchyard:test:${e.KAFKA_NAMESPACE}notifications`,
        }),
      ),
  });

/** Another replica of the same service (same database, broker namespace and Redis channel). */
export const startReplica = async (env: Record<string, string>) => {
  const app = await buildApp(
    loadConfig(NotificationConfig, {
      ...env,
      REALTIME_CHANNEL: `switchyard:test:${env.KAFKA_NAMESPACE}notifications`,
    }),
  );
  await app.ready();
  return app;
};

/** A logger that keeps every line it is given (object fields and message), for assertions. */
export function recordingLogger(lines: Record<string, unknown>[] = []) {
  const make = (bindings: Record<string, unknown>): Logger => {
    const log =
      (level: string) =>
      (obj: object | string, msg?: string): void =>
        void lines.push(
          typeof obj === 'string'
            ? { ...bindings, level, msg: obj }
            : { ...bindings, ...obj, level, msg },
        );
    return {
      child: (more) => make({ ...bindings, ...more }),
      error: log('error'),
      warn: log('warn'),
      info: log('info'),
      debug: log('debug'),
    };
  };
  return { logger: make({}), lines };
}

/**
 * Close what a test file started, in order, and its SMTP capture last and always: after a setup
 * that failed half-way some of it is undefined, and a capture left running keeps jest from
 * exiting (CI then waits for its timeout).
 */
export async function closeAfterTests(
  smtp: { stop(): Promise<void> } | undefined,
  ...closers: (() => unknown)[]
): Promise<void> {
  try {
    for (const close of closers) await close();
  } finally {
    await smtp?.stop();
  }
}
