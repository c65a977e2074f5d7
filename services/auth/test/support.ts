import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { AuthConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
/** Seals reset tokens for the notification service (tests open them with it). */
export const TEST_RESET_TOKEN_SEALING_KEY = Buffer.alloc(32, 9).toString('base64');
/** Seals the private signing keys in the auth database. */
export const TEST_SIGNING_KEY_SEALING_KEY = Buffer.alloc(32, 11).toString('base64');

/** The auth service on a fresh real database and broker namespace. */
export const startAuthService = (env: Record<string, string> = {}) =>
  startServiceUnderTest({
    service: 'auth',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    env: {
      RESET_TOKEN_SEALING_KEY: TEST_RESET_TOKEN_SEALING_KEY,
      SIGNING_KEY_SEALING_KEY: TEST_SIGNING_KEY_SEALING_KEY,
      ...env,
    },
    build: (e) => buildApp(loadConfig(AuthConfig, e)),
  });
