import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { sandboxWithReceiver, webhookSecret } from './support.js';

describe('POST /v1/payment_intents (confirm=true) through the stripe SDK', () => {
  const running = sandboxWithReceiver();

  it('charges a card at once: succeeded, its Charge as latest_charge, signed webhooks', async () => {
    const intent = await running.env.stripe.paymentIntents.create({
      amount: 1999,
      currency: 'eur',
      payment_method: 'pm_card_visa',
      allowed_payment_method_types: ['card'],
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
        const found = running.receiver.about(intent.id, charge.id);
        return found.length >= 3 && found;
      },
      { what: 'the webhooks of a payment' },
    );
    const events = deliveries.map((d) =>
      running.env.stripe.webhooks.constructEvent(d.body, d.signature, webhookSecret),
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

describe('PaymentIntents: declines, confirmation, updates, capture and cancel', () => {
  const running = sandboxWithReceiver();

  const pay = (payment_method: string, extra: Partial<Stripe.PaymentIntentCreateParams> = {}) =>
    running.env.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'eur',
      payment_method,
      confirm: true,
      ...extra,
    });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card'],
    ['pm_card_chargeDeclinedIncorrectCvc', 'incorrect_cvc', 'incorrect_cvc'],
    ['pm_card_chargeDeclinedProcessingError', 'processing_error', 'processing_error'],
    ['pm_card_declined', 'card_declined', 'generic_decline'],
    ['pm_card_insufficient_funds', 'card_declined', 'insufficient_funds'],
  ])(
    'declines %s with a StripeCardError (%s, %s) carrying the PaymentIntent',
    async (card, code, declineCode) => {
      const error = await pay(card).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeCardError);
      const declined = error as Stripe.errors.StripeCardError;
      expect(declined).toMatchObject({ statusCode: 402, code, decline_code: declineCode });
      expect(declined.requestId).toMatch(/^req_/);
      expect(declined.payment_method).toMatchObject({ object: 'payment_method', type: 'card' });
      const intent = declined.payment_intent!;
      expect(intent).toMatchObject({
        status: 'requires_payment_method',
        payment_method: null,
        last_payment_error: { type: 'card_error', code, decline_code: declineCode },
      });
      const charge = await running.env.stripe.charges.retrieve(intent.latest_charge as string);
      expect(charge).toMatchObject({
        status: 'failed',
        failure_code: code,
        payment_intent: intent.id,
      });
      await waitFor(
        async () =>
          running.receiver
            .about(intent.id)
            .some((d) => d.event.type === 'payment_intent.payment_failed'),
        { what: 'payment_intent.payment_failed' },
      );
    },
  );

  it('refuses an unknown payment method as Stripe does (resource_missing)', async () => {
    const error = await pay('pm_nope').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({
      statusCode: 400,
      code: 'resource_missing',
      param: 'payment_method',
    });
  });

  it('waits for a payment method, then for confirmation, then confirms', async () => {
    const bare = await running.env.stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    expect(bare).toMatchObject({ status: 'requires_payment_method', latest_charge: null });
    const confirmed = await running.env.stripe.paymentIntents.confirm(bare.id, {
      payment_method: 'pm_card_mastercard',
    });
    expect(confirmed).toMatchObject({ status: 'succeeded', amount_received: 500 });
    const unconfirmed = await running.env.stripe.paymentIntents.create({
      amount: 700,
      currency: 'usd',
      payment_method: 'pm_card_amex',
    });
    expect(unconfirmed.status).toBe('requires_confirmation');
    expect((await running.env.stripe.paymentIntents.confirm(unconfirmed.id)).status).toBe(
      'succeeded',
    );
    const again = await running.env.stripe.paymentIntents
      .confirm(unconfirmed.id)
      .catch((e: unknown) => e);
    expect(again).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('updates metadata at any time, and what it charges only before confirmation', async () => {
    const draft = await running.env.stripe.paymentIntents.create({ amount: 500, currency: 'usd' });
    const updated = await running.env.stripe.paymentIntents.update(draft.id, {
      amount: 800,
      payment_method: 'pm_card_visa',
      metadata: { order_id: 'order-9' },
    });
    expect(updated).toMatchObject({
      amount: 800,
      status: 'requires_confirmation',
      metadata: { order_id: 'order-9' },
    });
    const paid = await running.env.stripe.paymentIntents.confirm(draft.id);
    expect(paid.amount_received).toBe(800);
    const tagged = await running.env.stripe.paymentIntents.update(draft.id, {
      metadata: { order_id: '', note: 'x' },
    });
    expect(tagged.metadata).toEqual({ note: 'x' });
    await expect(
      running.env.stripe.paymentIntents.update(draft.id, { amount: 5 }),
    ).rejects.toMatchObject({
      code: 'payment_intent_unexpected_state',
    });
  });

  it('authorizes with capture_method=manual, captures less, and cancels another', async () => {
    const held = await pay('pm_card_visa', { capture_method: 'manual' });
    expect(held).toMatchObject({ status: 'requires_capture', amount_capturable: 1000 });
    const captured = await running.env.stripe.paymentIntents.capture(held.id, {
      amount_to_capture: 600,
    });
    expect(captured).toMatchObject({
      status: 'succeeded',
      amount_received: 600,
      amount_capturable: 0,
    });
    const charge = await running.env.stripe.charges.retrieve(captured.latest_charge as string);
    expect(charge).toMatchObject({ captured: true, amount_captured: 600 });

    const other = await pay('pm_card_visa', { capture_method: 'manual' });
    const canceled = await running.env.stripe.paymentIntents.cancel(other.id, {
      cancellation_reason: 'abandoned',
    });
    expect(canceled).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    expect(canceled.canceled_at).toEqual(expect.any(Number));
    const notAgain = await running.env.stripe.paymentIntents
      .cancel(captured.id)
      .catch((e: unknown) => e);
    expect(notAgain).toMatchObject({ statusCode: 400, code: 'payment_intent_unexpected_state' });
  });

  it('answers 404 resource_missing for an unknown id', async () => {
    const error = await running.env.stripe.paymentIntents
      .retrieve('pi_missing')
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(error).toMatchObject({ statusCode: 404, code: 'resource_missing' });
  });
});
