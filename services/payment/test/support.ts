import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { PaymentConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** The payment service on a fresh real database, broker namespace and JWKS. */
export const startPaymentService = () =>
  startServiceUnderTest({
    service: 'payment',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    build: (env) => buildApp(loadConfig(PaymentConfig, env)),
  });
