import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import type { OpenApiConformance } from '@switchyard/testing';
import { hostileString } from './arbitraries.js';
import { exchange, type Tally } from './judge.js';
import type { FuzzContext, FuzzRequest } from './requests.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
/** Not found, or forbidden: what another user's resource must answer. Never a 2xx. */
const NOT_YOURS = [403, 404];

const req = (
  method: string,
  path: string,
  token: string,
  body?: unknown,
  headers: Record<string, string> = {},
): FuzzRequest => ({
  method,
  path,
  headers: {
    authorization: `Bearer ${token}`,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...headers,
  },
  ...(body === undefined ? {} : { body: JSON.stringify(body) }),
});

const id = (body: unknown) => (body as { id?: string } | undefined)?.id;

type Step = (request: FuzzRequest, mustBe?: number[]) => Promise<{ status: number; body: unknown }>;

interface Draw {
  kind: 'order' | 'webhook' | 'product' | 'notification' | 'refund';
  quantity: number;
  method: string;
  amount: number;
  stock: number;
  hostile: string;
  eventTypes: string[];
}

const draws = fc.record<Draw>({
  kind: fc.constantFrom('order', 'webhook', 'product', 'notification', 'refund'),
  quantity: fc.integer({ min: 1, max: 4 }),
  method: fc.constantFrom('pm_card_visa', 'pm_card_declined', 'pm_card_pending'),
  amount: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.integer({ min: -5, max: 0 })),
  stock: fc.integer({ min: 0, max: 500 }),
  hostile: hostileString,
  eventTypes: fc.subarray(
    ['order.created', 'order.paid', 'order.cancelled', 'payment.failed', 'payment.refunded'],
    { minLength: 1 },
  ),
});

/** Create an order, use it, replay its key, and try it as another customer. */
async function orderStory(step: Step, t: FuzzContext['tokens'], d: Draw) {
  const key = randomUUID();
  const body = { lines: [{ productId: MUG, quantity: d.quantity }], paymentMethod: d.method };
  const placed = await step(
    req('POST', '/v1/orders', t.customer, body, { 'idempotency-key': key }),
  );
  const orderId = id(placed.body);
  if (placed.status !== 201 || !orderId) return;
  await step(req('GET', `/v1/orders/${orderId}`, t.customer), [200]);
  await step(req('GET', `/v1/orders/${orderId}`, t.other), NOT_YOURS);
  await step(req('POST', `/v1/orders/${orderId}/cancel`, t.other), NOT_YOURS);
  // The same key and body replays the first answer; another body under it is refused.
  await step(req('POST', '/v1/orders', t.customer, body, { 'idempotency-key': key }), [201]);
  await step(
    req(
      'POST',
      '/v1/orders',
      t.customer,
      { ...body, paymentMethod: d.hostile },
      { 'idempotency-key': key },
    ),
    [400, 409, 422],
  );
  await step(req('POST', `/v1/orders/${orderId}/cancel`, t.customer), [200, 409]);
  await step(req('GET', `/v1/orders/${orderId}`, t.machine), [200]);
}

/** Register an endpoint as the machine client, manage it, and try it as a customer. */
async function webhookStory(step: Step, t: FuzzContext['tokens'], d: Draw) {
  const created = await step(
    req('POST', '/v1/webhooks/endpoints', t.machine, {
      url: `http://127.0.0.1:9/fuzz-${randomUUID()}`,
      eventTypes: d.eventTypes,
      description: d.hostile.slice(0, 100),
    }),
  );
  const endpointId = id(created.body);
  if (created.status !== 201 || !endpointId) return;
  await step(req('GET', `/v1/webhooks/endpoints/${endpointId}`, t.machine), [200]);
  await step(req('GET', `/v1/webhooks/endpoints/${endpointId}`, t.customer), NOT_YOURS);
  await step(req('DELETE', `/v1/webhooks/endpoints/${endpointId}`, t.other), NOT_YOURS);
  await step(req('POST', `/v1/webhooks/endpoints/${endpointId}/rotate-secret`, t.machine, {}));
  await step(req('GET', `/v1/webhooks/endpoints/${endpointId}/deliveries`, t.machine), [200]);
  await step(req('DELETE', `/v1/webhooks/endpoints/${endpointId}`, t.machine), [204]);
  await step(req('GET', `/v1/webhooks/endpoints/${endpointId}`, t.machine), [404]);
}

/** An admin creates a product; a customer may not change it; the catalog shows it. */
async function productStory(step: Step, t: FuzzContext['tokens'], d: Draw) {
  const created = await step(
    req('POST', '/v1/products', t.admin, {
      sku: `FUZZ-${randomUUID().slice(0, 8)}`,
      name: 'Fuzz lamp',
      price: { amount: Math.abs(d.amount) + 1, currency: 'EUR' },
      stock: d.stock,
    }),
  );
  const productId = id(created.body);
  if (created.status !== 201 || !productId) return;
  await step(req('PATCH', `/v1/products/${productId}`, t.customer, { stock: 1 }), [403]);
  await step(
    req('PATCH', `/v1/products/${productId}`, t.admin, {
      price: { amount: d.amount, currency: 'EUR' },
    }),
  );
  await step(req('PATCH', `/v1/products/${productId}`, t.machine, { name: d.hostile }));
  await step(req('GET', `/v1/products/${productId}`, t.customer), [200]);
}

/** A customer's notification: theirs to read, nobody else's. */
async function notificationStory(step: Step, t: FuzzContext['tokens']) {
  const list = await step(req('GET', '/v1/notifications?limit=5', t.customer), [200]);
  const first = (list.body as { items?: { id: string }[] } | undefined)?.items?.[0];
  if (!first) return;
  await step(req('POST', `/v1/notifications/${first.id}/read`, t.other), NOT_YOURS);
  await step(req('POST', `/v1/notifications/${first.id}/read`, t.customer), [200, 204]);
  await step(req('GET', '/v1/notifications/unread-count', t.customer), [200]);
}

/** Refunds are an admin's: a customer is refused; a key replays its first answer. */
async function refundStory(step: Step, t: FuzzContext['tokens'], d: Draw, paymentId: string) {
  const key = randomUUID();
  const body = { amount: { amount: d.amount, currency: 'EUR' } };
  const path = `/v1/admin/payments/${paymentId}/refunds`;
  await step(req('POST', path, t.customer, body, { 'idempotency-key': key }), [403]);
  const first = await step(req('POST', path, t.admin, body, { 'idempotency-key': key }));
  // docs/api-guide.md: the same key returns the refund it made (200), or the same refusal.
  const replay = first.status === 201 ? [200] : [first.status];
  await step(req('POST', path, t.admin, body, { 'idempotency-key': key }), replay);
}

/**
 * Stateful sequences: create something, act on what was created, then act as someone else —
 * what single requests cannot reach (an order's own cancel, an endpoint's own secret).
 */
export async function runSequences(options: {
  gatewayUrl: string;
  context: FuzzContext;
  conformance: OpenApiConformance;
  tally: Tally;
  count: number;
  seed: number;
}): Promise<number> {
  const { context } = options;
  const step: Step = (request, mustBe) =>
    exchange(options.gatewayUrl, request, options.conformance, options.tally, mustBe);
  const paymentId = context.knownPaymentId;
  const stories = fc.sample(draws, { seed: options.seed + 1, numRuns: options.count });
  let next = 0;
  const worker = async () => {
    while (next < stories.length) {
      const d = stories[next++]!;
      if (d.kind === 'order') await orderStory(step, context.tokens, d);
      else if (d.kind === 'webhook') await webhookStory(step, context.tokens, d);
      else if (d.kind === 'product') await productStory(step, context.tokens, d);
      else if (d.kind === 'notification') await notificationStory(step, context.tokens);
      else if (paymentId) await refundStory(step, context.tokens, d, paymentId);
    }
  };
  await Promise.all(Array.from({ length: 4 }, worker));
  return stories.length;
}
