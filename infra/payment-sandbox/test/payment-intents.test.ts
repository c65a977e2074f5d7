import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { startReceiver, startSandbox, webhookSecret, type Receiver, type Running } from './support.js';

describe('POST /v1/payment_intents (confirm=true) through the stripe SDK', () => {
  let receiver: Receiver;
  let env: Running;
  beforeAll(async () => {
    receiver = await startReceiver();
    env = await startSandbox({ SANDBOX_WEBHOOK_URL: receiver.url });
  });
  afterAll(async () => {
    await env.sandbox.close();
    await receiver.close();
  });

  it('charges a card at once: succeeded, its Charge as latest_charge, signed webhooks', async () => {
    const intent = await env.stripe.paymentIntents.create({
      amount: 1999,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      payment_method_types: ['card'],
      confirm: true,
      metadata: { order_id: 'order-1' },
      expand: ['latest_charge'],
    });
    expect(intent).toMatchObject({
      object: 'payment_intent',
      status: 'succeeded',
      amount: 1999,
      amount_received: 1999,
      currency: 'eur',
      livemode: false,
      metadata: { order_id: 'order-1' },
      last_payment_error: null,
    });
    expect(intent.id).toMatch(/^pi_/);
    expect(intent.client_secret).toMatch(new RegExp(`^${intent.id}_secret_`));
    expect(intent.payment_method).toMatch(/^pm_/);
    const charge = intent.latest_charge as Stripe.Charge;
    expect(charge).toMatchObject({
      object: 'charge',
      status: 'succeeded',
      paid: true,
      captured: true,
      amount_captured: 1999,
      payment_intent: intent.id,
      metadata: { order_id: 'order-1' },
    });
    expect(intent.lastResponse.requestId).toMatch(/^req_/);

    const deliveries = await waitFor(
      async () => {
        const found = receiver.about(intent.id, charge.id);
        return found.length >= 3 && found;
      },
      { what: 'the webhooks of a payment' },
    );
    const events = deliveries.map((d) =>
      env.stripe.webhooks.constructEvent(d.body, d.signature, webhookSecret),
    );
    expect(events.map((e) => e.type)).toEqual([
      'payment_intent.created',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    expect(events[2]).toMatchObject({
      object: 'event',
      api_version: '2026-11-18.endive',
      livemode: false,
      data: { object: { id: intent.id, status: 'succeeded' } },
      request: { id: intent.lastResponse.requestId },
    });
  });
});
