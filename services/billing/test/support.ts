import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { BillingConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const migrationsDir = path.join(serviceDir, 'prisma/migrations');

/** The billing service on a fresh real database, a real broker namespace and a real JWKS. */
export const startBillingService = (env: Record<string, string> = {}) =>
  startServiceUnderTest({
    service: 'billing',
    migrationsDir,
    env,
    build: (e) => buildApp(loadConfig(BillingConfig, e)),
  });

export type BillingService = Awaited<ReturnType<typeof startBillingService>>;

/** A monthly EUR 10.00 plan, created by an admin through the API; its id. */
export async function createMonthlyPlan(
  service: BillingService,
  plan: { code: string; name: string },
): Promise<string> {
  const admin = await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] });
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/admin/plans',
    headers: { authorization: `Bearer ${admin}` },
    payload: { ...plan, price: { amount: 1000, currency: 'EUR' }, interval: 'month' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

/** A new customer subscribed to a plan with a saved card (its first charge asked, unanswered). */
export async function subscribeNewCustomer(service: BillingService, planId: string) {
  const userId = randomUUID();
  const token = await service.ctx.jwks.sign({ userId });
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/subscriptions',
    headers: { authorization: `Bearer ${token}` },
    payload: { planId, paymentMethod: 'pm_1SavedCard' },
  });
  expect(res.statusCode).toBe(201);
  return { id: res.json().id as string, userId, token };
}
