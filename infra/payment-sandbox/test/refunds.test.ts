import { waitFor } from '@switchyard/testing';
import Stripe from 'stripe';
import { apiKey, sandboxWithReceiver, webhookSecret } from './support.js';

describe('POST /v1/refunds through the stripe SDK', () => {
  const running = sandboxWithReceiver();

  const pay = (
    payment_method = 'pm_card_visa',
    extra: Partial<Stripe.PaymentIntentCreateParams> = {},
  ) =>
    running.env.stripe.paymentIntents.create({
      amount: 1000,
      currency: 'eur',
      payment_method,
      confirm: true,
      ...extra,
    });

  it('refunds part, then the rest, then refuses more (amount_too_large, charge_already_refunded)', async () => {
    const intent = await pay();
    const part = await running.env.stripe.refunds.create({
      payment_intent: intent.id,
      amount: 300,
      reason: 'requested_by_customer',
      metadata: { refund_id: 'r-1' },
    });
    expect(part).toMatchObject({
      object: 'refund',
      amount: 300,
      status: 'succeeded',
      payment_intent: intent.id,
      charge: intent.latest_charge,
      reason: 'requested_by_customer',
      metadata: { refund_id: 'r-1' },
    });
    expect(part.id).toMatch(/^re_/);
    const tooLarge = await running.env.stripe.refunds
      .create({ payment_intent: intent.id, amount: 701 })
      .catch((e: unknown) => e);
    expect(tooLarge).toBeInstanceOf(Stripe.errors.StripeInvalidRequestError);
    expect(tooLarge).toMatchObject({ statusCode: 400, code: 'amount_too_large', param: 'amount' });
    const rest = await running.env.stripe.refunds.create({
      charge: intent.latest_charge as string,
    });
    expect(rest.amount).toBe(700);
    const nothingLeft = await running.env.stripe.refunds
      .create({ payment_intent: intent.id })
      .catch((e: unknown) => e);
    expect(nothingLeft).toMatchObject({ statusCode: 400, code: 'charge_already_refunded' });

    const charge = await running.env.stripe.charges.retrieve(intent.latest_charge as string, {
      expand: ['refunds'],
    });
    expect(charge).toMatchObject({ amount_refunded: 1000, refunded: true });
    expect(charge.refunds!.data.map((r) => r.id)).toEqual([rest.id, part.id]);
    const listed = await running.env.stripe.refunds.list({ payment_intent: intent.id });
    expect(listed.data.map((r) => r.amount)).toEqual([700, 300]);
    expect((await running.env.stripe.refunds.retrieve(part.id)).amount).toBe(300);
  });

  it('emits refund.created and charge.refunded with the Charge', async () => {
    const intent = await pay();
    const refund = await running.env.stripe.refunds.create({
      payment_intent: intent.id,
      amount: 400,
    });
    const deliveries = await waitFor(
      async () => {
        const found = running.receiver
          .about(refund.id, intent.latest_charge as string)
          .filter((d) => d.event.type.startsWith('refund.') || d.event.type === 'charge.refunded');
        return found.length === 2 && found;
      },
      { what: 'the refund webhooks' },
    );
    const events = deliveries.map((d) =>
      running.env.stripe.webhooks.constructEvent(d.body, d.signature, webhookSecret),
    );
    expect(events.map((e) => e.type)).toEqual(['refund.created', 'charge.refunded']);
    expect(events[1]!.data.object).toMatchObject({
      object: 'charge',
      amount_refunded: 400,
      refunded: false,
      payment_intent: intent.id,
    });
  });

  it('refuses to refund what was not captured, or a payment still processing', async () => {
    const held = await pay('pm_card_visa', { capture_method: 'manual' });
    const error = await running.env.stripe.refunds
      .create({ payment_intent: held.id })
      .catch((e: unknown) => e);
    expect(error).toMatchObject({ statusCode: 400, type: 'StripeInvalidRequestError' });
    const processing = await pay('pm_card_pending');
    const notYet = await running.env.stripe.refunds
      .create({ payment_intent: processing.id })
      .catch((e: unknown) => e);
    expect(notYet).toMatchObject({ statusCode: 400 });
  });

  it('sends no webhook for a refund made with Sandbox-Suppress-Webhooks: true', async () => {
    const intent = await pay();
    const refund = await running.env.stripe.refunds.create({ payment_intent: intent.id }, {
      headers: { 'Sandbox-Suppress-Webhooks': 'true' },
    } as Stripe.RequestOptions);
    const marker = await pay();
    await waitFor(
      async () =>
        running.receiver.about(marker.id).some((d) => d.event.type === 'payment_intent.succeeded'),
      { what: 'the webhooks of a later payment' },
    );
    expect(running.receiver.about(refund.id)).toHaveLength(0);
  });

  it('throttles the first two attempts of each refund of pm_card_refunds_rate_limited', async () => {
    const intent = await pay('pm_card_refunds_rate_limited');
    for (let i = 0; i < 2; i++) {
      const error = await running.env.stripe.refunds
        .create({ payment_intent: intent.id }, { idempotencyKey: 'refund-1' })
        .catch((e: unknown) => e);
      expect(error).toBeInstanceOf(Stripe.errors.StripeRateLimitError);
    }
    const refund = await running.env.stripe.refunds.create(
      { payment_intent: intent.id },
      { idempotencyKey: 'refund-1' },
    );
    expect(refund.amount).toBe(1000);
    const replayed = await running.env.stripe.refunds.create(
      { payment_intent: intent.id },
      { idempotencyKey: 'refund-1' },
    );
    expect(replayed.id).toBe(refund.id);
  });

  it('answers GET /v1/refunds/:id for an unknown id with 404', async () => {
    const res = await fetch(`${running.env.baseUrl}/v1/refunds/re_missing`, {
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(res.status).toBe(404);
    expect(((await res.json()) as any).error).toMatchObject({
      type: 'invalid_request_error',
      code: 'resource_missing',
    });
  });
});
