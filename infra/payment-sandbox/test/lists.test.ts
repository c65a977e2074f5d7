import Stripe from 'stripe';
import { startSandbox, type Running } from './support.js';

describe('lists: GET /v1/payment_intents and /v1/charges', () => {
  let env: Running;
  beforeAll(async () => {
    env = await startSandbox();
  });
  afterAll(() => env.sandbox.close());

  const pay = (payment_method: string) =>
    env.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'eur',
      payment_method,
      confirm: true,
    });

  it('lists newest first, page by page, filtered by created[gte] and expanded', async () => {
    const since = Math.floor(Date.now() / 1000);
    const made: string[] = [];
    for (let i = 0; i < 3; i++) made.push((await pay('pm_card_visa')).id);
    const page = await env.stripe.paymentIntents.list({
      limit: 2,
      created: { gte: since },
      expand: ['data.latest_charge'],
    });
    expect(page).toMatchObject({ object: 'list', has_more: true, url: '/v1/payment_intents' });
    expect(page.data.map((pi) => pi.id)).toEqual([made[2], made[1]]);
    expect((page.data[0]!.latest_charge as Stripe.Charge).object).toBe('charge');
    const seen: string[] = [];
    for await (const intent of env.stripe.paymentIntents.list({
      limit: 2,
      created: { gte: since },
    }))
      seen.push(intent.id);
    expect(seen.slice(0, 3)).toEqual([...made].reverse());
    const retrieved = await env.stripe.paymentIntents.retrieve(made[0]!, {
      expand: ['latest_charge'],
    });
    expect((retrieved.latest_charge as Stripe.Charge).payment_intent).toBe(made[0]);
  });

  it('lists charges with the sandbox extensions, filtered by payment_intent', async () => {
    const intent = await pay('pm_card_visa');
    const charges = await env.stripe.charges.list({ payment_intent: intent.id });
    expect(charges.data).toHaveLength(1);
    const [charge] = charges.data as (Stripe.Charge & {
      created_ms: number;
      requested_ms: number;
    })[];
    expect(charge!.requested_ms).toBeLessThanOrEqual(charge!.created_ms);
    expect(Math.floor(charge!.created_ms / 1000)).toBe(charge!.created);
    expect(charge).not.toHaveProperty('refunds');
  });
});
