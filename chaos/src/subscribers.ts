import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { requestAs, type Actors, type Customer } from './actors.js';
import type { BillingClockDriver } from './billing-clock.js';
import { isFailure, request, type Answer } from './http.js';

/** The plans of the run: two currencies, so billing's books are checked per currency. */
const PLANS = [
  { kind: 'eur', price: { amount: 1000, currency: 'EUR' } },
  { kind: 'gbp', price: { amount: 900, currency: 'GBP' } },
] as const;

/** A subscription the platform accepted (201). */
export interface Subscribed {
  id: string;
  userId: string;
  currency: string;
}

export interface SubscriptionWorkloadResult {
  subscribed: Subscribed[];
  /** Given up after the client's retries (never a 201): counted, not lost. */
  abandoned: number;
}

/**
 * Customers save a card and subscribe (the first period charged at once), each through the
 * gateway with an Idempotency-Key and a careful client's retries; later, billing's clock moves
 * a month ahead so that every subscription renews while faults go on. The other move is the
 * billing fault's own (a replica killed mid-renewal).
 */
export async function runSubscriptionWorkload(options: {
  gatewayUrl: string;
  actors: Actors;
  clock: BillingClockDriver;
  subscribers: number;
  /** When (ms since epoch) the workload moves the clock itself. */
  advanceAt: number;
  log: (line: string) => void;
}): Promise<SubscriptionWorkloadResult> {
  const { gatewayUrl: gw, actors } = options;
  const call = (
    who: Customer,
    method: string,
    path: string,
    init: Parameters<typeof request>[3] = {},
  ) => requestAs(gw, who, method, path, init);
  const persist = async (attempt: () => Promise<Answer>) => {
    let answer = await attempt();
    for (let tries = 1; tries < 8 && isFailure(answer.status); tries++) {
      await sleep(Math.min(500 * 2 ** tries, 8_000));
      answer = await attempt();
    }
    return answer;
  };

  const plans: { id: string; currency: string }[] = [];
  for (const plan of PLANS) {
    const created = await persist(() =>
      call(actors.admin, 'POST', '/v1/admin/plans', {
        body: {
          code: `chaos-${plan.kind}-${randomUUID().slice(0, 8)}`,
          name: `Chaos ${plan.kind.toUpperCase()}, monthly`,
          price: plan.price,
          interval: 'month',
          intervalCount: 1,
        },
      }),
    );
    if (created.status !== 201) throw new Error(`create plan: ${created.status}`);
    plans.push({ id: created.body.id, currency: plan.price.currency });
  }

  const subscribed: Subscribed[] = [];
  let abandoned = 0;
  const subscribe = async (index: number) => {
    // The last customers: the order workload's busiest are the first ones.
    const customer = actors.customers[actors.customers.length - 1 - index]!;
    const plan = plans[index % plans.length]!;
    const card = await persist(() =>
      call(customer, 'POST', '/v1/payment-methods', { body: { paymentMethod: 'pm_card_visa' } }),
    );
    if (card.status !== 201) return void abandoned++;
    const key = randomUUID();
    const answer = await persist(() =>
      call(customer, 'POST', '/v1/subscriptions', {
        body: { planId: plan.id, paymentMethod: card.body.id },
        headers: { 'idempotency-key': key },
      }),
    );
    if (answer.status !== 201) return void abandoned++;
    subscribed.push({ id: answer.body.id, userId: customer.userId, currency: plan.currency });
  };
  await Promise.all(Array.from({ length: options.subscribers }, (_, i) => subscribe(i)));
  options.log(`subscriptions: ${subscribed.length} accepted, ${abandoned} abandoned`);

  if (options.advanceAt > Date.now()) await sleep(options.advanceAt - Date.now());
  options.log("subscriptions: billing's clock a month ahead, renewals swept");
  await options.clock.advance();
  return { subscribed, abandoned };
}
