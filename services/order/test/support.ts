import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { loadConfig } from '@switchyard/service-kit';
import { createEvent, type Money } from '@switchyard/contracts';
import { queryDb, startServiceUnderTest } from '@switchyard/testing';
import { buildApp } from '../src/app.js';
import { OrderConfig } from '../src/config.js';

export const serviceDir = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

export const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
export const LANTERN = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003';
export const POSTER = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0005';

/** The demo catalog a local stack loads (MUG, LANTERN, POSTER and two more). */
export const demoCatalogSeed = path.join(serviceDir, 'prisma/seed/demo-catalog.sql');

/**
 * The order service on a fresh real database with the demo catalog, a real broker namespace
 * and a real JWKS.
 */
export const startOrderService = (env: Record<string, string> = {}) =>
  startServiceUnderTest({
    service: 'order',
    migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    seedFiles: [demoCatalogSeed],
    env,
    build: (e) => buildApp(loadConfig(OrderConfig, e)),
  });

/** Place an order for `quantity` mugs as `userId` through the service; its id. */
export async function placeOrder(
  service: Awaited<ReturnType<typeof startOrderService>>,
  userId: string,
  quantity = 1,
): Promise<string> {
  const res = await service.app.inject({
    method: 'POST',
    url: '/v1/orders',
    headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` },
    payload: { lines: [{ productId: MUG, quantity }], paymentMethod: 'pm_card_visa' },
  });
  expect(res.statusCode).toBe(201);
  return res.json().id as string;
}

/** A product's stock as stored. */
export async function stockOf(databaseUrl: string, productId: string): Promise<number> {
  const [row] = await queryDb<{ stock: number }>(
    databaseUrl,
    'SELECT stock FROM products WHERE id = $1',
    [productId],
  );
  return row!.stock;
}

/** payment.succeeded for an order, as the payment service publishes it. */
export const paymentSucceeded = (data: {
  orderId: string;
  userId: string;
  amount: Money;
  paymentId?: string;
  providerChargeId?: string;
}) =>
  createEvent('payment.succeeded', {
    source: 'payment',
    subject: data.orderId,
    data: {
      paymentId: data.paymentId ?? randomUUID(),
      orderId: data.orderId,
      userId: data.userId,
      amount: data.amount,
      providerChargeId: data.providerChargeId ?? 'ch_test',
    },
  });

/** An order's status as stored (undefined when there is no such order). */
export async function orderStatusOf(databaseUrl: string, orderId: string) {
  const [row] = await queryDb<{ status: string }>(
    databaseUrl,
    'SELECT status FROM orders WHERE id = $1',
    [orderId],
  );
  return row?.status;
}
