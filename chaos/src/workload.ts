import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestAs, type Actors, type Customer } from './actors.js';
import { isFailure, request, type Answer } from './http.js';

/** What a customer does with one order, and the card that makes the provider behave so. */
export const SCENARIOS = {
  paid: { weight: 40, method: 'pm_card_visa' },
  declined: { weight: 8, method: 'pm_card_declined' },
  delayed: { weight: 8, method: 'pm_card_delayed' },
  provider_5xx: { weight: 8, method: 'pm_card_provider_error' },
  duplicate_webhooks: { weight: 6, method: 'pm_card_duplicate_webhook' },
  reordered_webhooks: { weight: 5, method: 'pm_card_webhooks_out_of_order' },
  customer_cancel: { weight: 9, method: 'pm_card_delayed' },
  partial_refund: { weight: 5, method: 'pm_card_visa' },
  full_refund: { weight: 4, method: 'pm_card_visa' },
  scarce: { weight: 7, method: 'pm_card_visa' },
} as const;
export type Scenario = keyof typeof SCENARIOS;

/** Every order the platform accepted (201), with what its customer did next. */
export interface PlacedOrder {
  id: string;
  scenario: Scenario;
  userId: string;
  placedAt: number;
  /** The states this order may end in, given what happened to it. */
  expected: string[];
}

/** One request as its client saw it. */
export interface RequestRecord {
  at: number;
  op: string;
  status: Answer['status'];
  ms: number;
}

export interface WorkloadResult {
  placed: PlacedOrder[];
  /** Placement refused with the documented 409 (not enough stock of the scarce product). */
  outOfStock: number;
  /** Orders the client gave up on after its retries (never a 201): counted, not lost. */
  abandoned: number;
  requests: RequestRecord[];
  startedAt: number;
  endedAt: number;
}

function pickScenario(random: () => number): Scenario {
  const entries = Object.entries(SCENARIOS) as [Scenario, { weight: number }][];
  const total = entries.reduce((sum, [, s]) => sum + s.weight, 0);
  let roll = random() * total;
  for (const [name, s] of entries) {
    roll -= s.weight;
    if (roll < 0) return name;
  }
  return 'paid';
}

/** A small seeded generator, so a run's mix can be repeated. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/**
 * Drive `orders` orders through the gateway at `ratePerSecond`, at most `concurrency` at a
 * time, as customers and an admin would: place (retrying with the same Idempotency-Key after
 * a 5xx or a timeout, as a careful client does), then cancel or refund for some. Every request
 * is recorded with its time and outcome, for the availability figures.
 */
export async function runWorkload(options: {
  gatewayUrl: string;
  actors: Actors;
  orders: number;
  ratePerSecond: number;
  concurrency: number;
  seed: number;
}): Promise<WorkloadResult> {
  const { gatewayUrl: gw, actors } = options;
  const random = seededRandom(options.seed);
  const requests: RequestRecord[] = [];
  const placed: PlacedOrder[] = [];
  let outOfStock = 0;
  let abandoned = 0;
  const call = async (
    op: string,
    who: Customer,
    method: string,
    path: string,
    init: Parameters<typeof request>[3] = {},
  ) => {
    const answer = await requestAs(gw, who, method, path, init);
    requests.push({ at: Date.now() - answer.ms, op, status: answer.status, ms: answer.ms });
    return answer;
  };
  /** Retry what failed on the platform's side; a 4xx is an answer. */
  const persist = async (
    op: string,
    attempt: () => Promise<Answer>,
    retryAlso: (answer: Answer) => boolean = () => false,
  ) => {
    let answer = await attempt();
    for (let tries = 1; tries < 8 && (isFailure(answer.status) || retryAlso(answer)); tries++) {
      await sleep(Math.min(500 * 2 ** tries, 8_000));
      answer = await attempt();
    }
    void op;
    return answer;
  };
  const waitForStatus = async (customer: Customer, id: string, wanted: string[]) => {
    const deadline = Date.now() + 120_000;
    while (Date.now() < deadline) {
      const res = await call('get_order', customer, 'GET', `/v1/orders/${id}`);
      if (res.status === 200 && wanted.includes(res.body.status)) return res.body.status as string;
      await sleep(500);
    }
    return null;
  };

  async function one(index: number) {
    const scenario = pickScenario(random);
    const customer = actors.customers[index % actors.customers.length]!;
    const productId =
      scenario === 'scarce'
        ? actors.products.scarce
        : actors.products.plentiful[index % actors.products.plentiful.length]!;
    const key = randomUUID();
    const body = {
      lines: [{ productId, quantity: 1 + (index % 2) }],
      paymentMethod: SCENARIOS[scenario].method,
    };
    const placedAt = Date.now();
    const answer = await persist(
      'place_order',
      () =>
        call('place_order', customer, 'POST', '/v1/orders', {
          body,
          headers: { 'idempotency-key': key },
        }),
      // The same key still running after a timeout: try again shortly.
      (a) => a.status === 409 && !JSON.stringify(a.body).includes('stock'),
    );
    if (answer.status === 409) return void outOfStock++;
    if (answer.status !== 201) return void abandoned++;
    const order: PlacedOrder = {
      id: answer.body.id,
      scenario,
      userId: customer.userId,
      placedAt,
      expected: expectedAtFirst(scenario),
    };
    placed.push(order);

    if (scenario === 'customer_cancel') {
      const cancelled = await persist('cancel_order', () =>
        call('cancel_order', customer, 'POST', `/v1/orders/${order.id}/cancel`),
      );
      // Too late (already paid): the order is simply paid.
      order.expected = cancelled.status === 200 ? ['cancelled'] : ['paid', 'cancelled'];
    }
    if (scenario === 'partial_refund' || scenario === 'full_refund') {
      if ((await waitForStatus(customer, order.id, ['paid'])) !== 'paid') return;
      const payments = await persist('get_payment', () =>
        call('get_payment', customer, 'GET', `/v1/payments?orderId=${order.id}`),
      );
      const payment = payments.body?.items?.[0];
      if (!payment) return;
      const refundKey = randomUUID();
      const refunded = await persist('refund', () =>
        call('refund', actors.admin, 'POST', `/v1/admin/payments/${payment.id}/refunds`, {
          headers: { 'idempotency-key': refundKey },
          body: scenario === 'partial_refund' ? { amount: { amount: 500, currency: 'EUR' } } : {},
        }),
      );
      if (refunded.status === 201 || refunded.status === 200 || refunded.status === 202)
        order.expected = scenario === 'partial_refund' ? ['partially_refunded'] : ['refunded'];
    }
  }

  const startedAt = Date.now();
  let next = 0;
  const worker = async () => {
    for (;;) {
      const index = next++;
      if (index >= options.orders) return;
      const due = startedAt + (index * 1000) / options.ratePerSecond;
      if (due > Date.now()) await sleep(due - Date.now());
      await one(index);
    }
  };
  await Promise.all(Array.from({ length: options.concurrency }, worker));
  return { placed, outOfStock, abandoned, requests, startedAt, endedAt: Date.now() };
}

function expectedAtFirst(scenario: Scenario): string[] {
  switch (scenario) {
    case 'declined':
      return ['cancelled'];
    case 'reordered_webhooks':
      // The sandbox refunds half at once and sends the refund before the success.
      return ['partially_refunded'];
    case 'partial_refund':
    case 'full_refund':
      return ['paid', 'partially_refunded', 'refunded'];
    default:
      return ['paid'];
  }
}
