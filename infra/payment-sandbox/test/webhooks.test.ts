import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { helper, sandboxWithReceiver, webhookSecret } from './support.js';

describe('webhooks: signed Stripe events, retried, duplicated and reordered on purpose', () => {
  const running = sandboxWithReceiver();

  const pay = (payment_method: string) =>
    running.env.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'eur',
      payment_method,
      confirm: true,
    });

  it('signs each delivery so that stripe.webhooks.constructEvent accepts it, and no other secret does', async () => {
    const intent = await pay('pm_card_visa');
    const [delivery] = await waitFor(
      async () => running.receiver.about(intent.id).length > 0 && running.receiver.about(intent.id),
    );
    expect(delivery!.signature).toMatch(/^t=\d+,v1=[0-9a-f]{64}$/);
    const event = running.env.stripe.webhooks.constructEvent(
      delivery!.body,
      delivery!.signature,
      webhookSecret,
    );
    expect(event).toMatchObject({ object: 'event', livemode: false, pending_webhooks: 1 });
    expect(event.id).toMatch(/^evt_/);
    expect(() =>
      running.env.stripe.webhooks.constructEvent(
        delivery!.body,
        delivery!.signature,
        'whsec_other_secret',
      ),
    ).toThrow(Stripe.errors.StripeSignatureVerificationError);
  });

  it('retries a delivery the endpoint refused, with the same event id, and records every attempt', async () => {
    running.receiver.state.status = 500;
    const intent = await pay('pm_card_visa');
    await waitFor(async () => running.receiver.about(intent.id).length >= 3, {
      what: 'a retried webhook',
    });
    running.receiver.state.status = 200;
    await waitFor(async () => running.receiver.about(intent.id).length >= 4, {
      what: 'the next webhook',
    });
    const [first, second] = running.receiver.about(intent.id);
    expect(second!.event.id).toBe(first!.event.id);
    const attempts = await waitFor(async () => {
      const deliveries = await helper(
        running.env.baseUrl,
        'GET',
        '/v1/test_helpers/webhook_deliveries',
      );
      const ofEvent = deliveries.body.data.filter(
        (d: { eventId: string }) => d.eventId === first!.event.id,
      );
      return ofEvent.at(-1)?.status === 200 && ofEvent;
    });
    expect(attempts[0]).toMatchObject({
      attempt: 1,
      status: 500,
      objectId: intent.id,
      paymentIntentId: intent.id,
      chargeId: null,
      type: 'payment_intent.created',
    });
  });

  it('delivers every webhook of pm_card_duplicate_webhook twice with the same id', async () => {
    const intent = await pay('pm_card_duplicate_webhook');
    await waitFor(async () => running.receiver.about(intent.id).length === 4, {
      what: 'four deliveries',
    });
    const ids = running.receiver.about(intent.id).map((d) => d.event.id);
    expect(ids[0]).toBe(ids[1]);
    expect(ids[2]).toBe(ids[3]);
    expect(new Set(ids).size).toBe(2);
  });

  it('delivers a refund before its payment for pm_card_webhooks_out_of_order', async () => {
    const intent = await pay('pm_card_webhooks_out_of_order');
    const charge = intent.latest_charge as string;
    const types = await waitFor(async () => {
      const found = running.receiver.received
        .filter((d) => {
          const object = d.event.data.object as { id: string; payment_intent?: string };
          return (
            object.id === charge || object.payment_intent === intent.id || object.id === intent.id
          );
        })
        .map((d) => d.event.type);
      return found.length === 5 && found;
    });
    expect(types).toEqual([
      'payment_intent.created',
      'refund.created',
      'charge.refunded',
      'charge.succeeded',
      'payment_intent.succeeded',
    ]);
    expect((await running.env.stripe.charges.retrieve(charge)).amount_refunded).toBe(500);
  });
});
