import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { AuthConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The auth service on a fresh real database and broker namespace. */
export const startAuthService = (env: Record<string, string> = {}) =>
  startServiceUnderTest({
    service: 'auth',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    env,
    build: (e) => buildApp(loadConfig(AuthConfig, e)),
  });
