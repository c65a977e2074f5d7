import { createHmac } from 'node:crypto';
import { queryDb } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  startPaymentService,
  waitForPayment,
  sandboxApiKey,
  webhookSecret,
  type PaymentService,
} from '../support.js';

/** A webhook exactly as a provider sends it (or, with other arguments, as an attacker might). */
function signed(event: unknown, options: { secret?: string; at?: number } = {}) {
  const body = JSON.stringify(event);
  const t = options.at ?? Math.floor(Date.now() / 1000);
  const v1 = createHmac('sha256', options.secret ?? webhookSecret)
    .update(`${t}.${body}`)
    .digest('hex');
  return { body, signature: `t=${t},v1=${v1}` };
}

describe('provider webhooks', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const deliver = (hook: { body: string; signature: string }) =>
    service.app.inject({
      method: 'POST',
      url: '/v1/payments/webhooks/provider',
      headers: { 'content-type': 'application/json', 'stripe-signature': hook.signature },
      payload: hook.body,
    });

  /** A pending charge at the sandbox (settled only by hand), and our payment for it. */
  async function pendingCharge(amount = 2000) {
    const order = await chargeOrder(service, 'pm_card_pending', amount);
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.provider_charge_id !== null,
      'charge made',
    );
    return { order, payment };
  }

  /** A PaymentIntent as Stripe's events carry it (the fields the service reads, and more). */
  const intentObject = (
    payment: { id: string; provider_charge_id: string | null },
    orderId: string,
    over: Record<string, unknown> = {},
  ) => ({
    id: payment.provider_charge_id,
    object: 'payment_intent',
    amount: 2000,
    amount_received: 2000,
    currency: 'eur',
    status: 'succeeded',
    last_payment_error: null,
    next_action: null,
    cancellation_reason: null,
    client_secret: `${payment.provider_charge_id}_secret_test`,
    latest_charge: 'ch_test',
    metadata: { payment_id: payment.id, order_id: orderId },
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    ...over,
  });

  /** A Stripe event around `object`. */
  const event = (id: string, type: string, object: unknown) => ({
    id,
    object: 'event',
    api_version: '2026-11-18.endive',
    type,
    created: Math.floor(Date.now() / 1000),
    livemode: false,
    pending_webhooks: 1,
    request: { id: null, idempotency_key: null },
    data: { object },
  });

  it('applies an event delivered five times exactly once', async () => {
    const { order, payment } = await pendingCharge();
    const hook = signed(
      event(`evt_${payment.id}`, 'payment_intent.succeeded', intentObject(payment, order.orderId)),
    );
    const answers = await Promise.all([1, 2, 3, 4, 5].map(() => deliver(hook)));
    expect(answers.map((a) => a.statusCode)).toEqual([200, 200, 200, 200, 200]);
    expect(answers.filter((a) => a.json().duplicate)).toHaveLength(4);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it('acknowledges the webhook of a charge already applied after one read, writing nothing', async () => {
    const order = await chargeOrder(service, 'pm_card_visa');
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid by the charge’s own answer',
    );
    const eventId = `evt_again_${payment.id}`;
    const res = await deliver(
      signed(event(eventId, 'payment_intent.succeeded', intentObject(payment, order.orderId))),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, duplicate: true });
    // No transaction: not even the event's id was recorded.
    const stored = await queryDb(
      service.ctx.databaseUrl,
      'SELECT 1 FROM provider_webhook_events WHERE id = $1',
      [eventId],
    );
    expect(stored).toHaveLength(0);
    expect(await eventsAbout(service, order.orderId)).toEqual(['payment.succeeded']);
  });

  it('still verifies the signature of a webhook for a charge already applied', async () => {
    const order = await chargeOrder(service, 'pm_card_visa');
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid',
    );
    const res = await deliver(
      signed(
        event(
          `evt_forged_${payment.id}`,
          'payment_intent.succeeded',
          intentObject(payment, order.orderId),
        ),
        { secret: 'whsec_not_the_secret' },
      ),
    );
    expect(res.statusCode).toBe(400);
  });

  it('reads the refunds from the provider when a refund’s webhook arrives, once however often', async () => {
    const order = await chargeOrder(service, 'pm_card_visa', 2000);
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid',
    );
    // A refund made in the provider's dashboard, its own webhooks lost.
    const made = await fetch(`${service.sandboxUrl}/v1/refunds`, {
      method: 'POST',
      headers: {
        authorization: `Bearer ${sandboxApiKey}`,
        'content-type': 'application/x-www-form-urlencoded',
        'sandbox-suppress-webhooks': 'true',
      },
      body: `payment_intent=${payment.provider_charge_id}&amount=500`,
    });
    expect(made.status).toBe(200);
    // charge.refunded carries the Charge, not our refund ids: the payment asks the provider.
    const refunded = signed(
      event(`evt_refund_${payment.id}`, 'charge.refunded', {
        id: 'ch_any',
        object: 'charge',
        payment_intent: payment.provider_charge_id,
        amount_refunded: 500,
      }),
    );
    expect((await deliver(refunded)).statusCode).toBe(200);
    expect((await deliver(refunded)).statusCode).toBe(200);
    const after = await waitForPayment(service, order.orderId, () => true, 'payment');
    expect(after).toMatchObject({ status: 'succeeded', amount_refunded_minor: 500 });
    expect(await eventsAbout(service, order.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
    ]);
  });

  it.each([
    ['a stale timestamp', () => ({ at: Math.floor(Date.now() / 1000) - 3600 })],
    ['a wrong secret', () => ({ secret: 'whsec_not_the_provider_secret' })],
  ])('refuses %s with 400 and changes nothing', async (_what, options) => {
    const { order, payment } = await pendingCharge();
    const hook = signed(
      event(
        `evt_bad_${payment.id}`,
        'payment_intent.succeeded',
        intentObject(payment, order.orderId),
      ),
      options(),
    );
    const res = await deliver(hook);
    expect(res.statusCode).toBe(400);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect((await waitForPayment(service, order.orderId, () => true, 'row')).status).toBe(
      'pending',
    );
  });

  it('refuses a body changed by one byte after signing', async () => {
    const { order, payment } = await pendingCharge();
    const hook = signed(
      event(
        `evt_tamper_${payment.id}`,
        'payment_intent.succeeded',
        intentObject(payment, order.orderId, { amount: 2000 }),
      ),
    );
    const tampered = { ...hook, body: hook.body.replace('"amount":2000', '"amount":2001') };
    expect(tampered.body).toHaveLength(hook.body.length + 0);
    expect((await deliver(tampered)).statusCode).toBe(400);
    expect((await deliver({ ...hook, signature: '' })).statusCode).toBe(400);
    expect(await eventsAbout(service, order.orderId)).toEqual([]);
  });

  it('refuses a signed body that is not a Stripe event with 400', async () => {
    const res = await deliver(signed({ hello: 'world' }));
    expect(res.statusCode).toBe(400);
    const junk = await deliver(signed('not an object'));
    expect(junk.statusCode).toBe(400);
  });

  it('acknowledges a payment it does not know without acting on it', async () => {
    const stranger = { id: 'pi_stranger', provider_charge_id: 'pi_stranger' };
    const res = await deliver(
      signed(
        event(
          'evt_stranger',
          'payment_intent.succeeded',
          intentObject(stranger, 'o-1', { metadata: {} }),
        ),
      ),
    );
    expect(res.statusCode).toBe(200);
    const stored = await queryDb(
      service.ctx.databaseUrl,
      "SELECT 1 FROM provider_webhook_events WHERE id = 'evt_stranger'",
    );
    expect(stored).toHaveLength(1);
  });

  it('acknowledges and ignores an event type it does not act on', async () => {
    const res = await deliver(
      signed(event('evt_customer', 'customer.created', { id: 'cus_1', object: 'customer' })),
    );
    expect(res.statusCode).toBe(200);
    expect(res.json()).toEqual({ received: true, ignored: true });
  });

  it('settles from the sandbox’s own signed webhooks, duplicated or out of order', async () => {
    const twice = await chargeOrder(service, 'pm_card_duplicate_webhook');
    await waitForPayment(service, twice.orderId, (p) => p.status === 'succeeded', 'paid');
    const reordered = await chargeOrder(service, 'pm_card_webhooks_out_of_order', 3000);
    const payment = await waitForPayment(
      service,
      reordered.orderId,
      (p) => p.status === 'succeeded' && p.amount_refunded_minor === 1500,
      'paid and half refunded',
    );
    expect(payment.amount_refunded_minor).toBe(1500);
    expect(await eventsAbout(service, reordered.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
    ]);
    expect(await eventsAbout(service, twice.orderId)).toEqual(['payment.succeeded']);
  });
});
