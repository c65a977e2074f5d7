import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { metricValue, publishEvent, waitFor } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  sandboxApiKey,
  startPaymentService,
  waitForPayment,
  type PaymentService,
  providerSdk,
} from '../support.js';

describe('refunds', () => {
  let service: PaymentService;
  let admin: string;
  beforeAll(async () => {
    service = await startPaymentService();
    admin = await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] });
  });
  afterAll(() => service.close());

  const paid = async (amount = 2000) => {
    const order = await chargeOrder(service, 'pm_card_visa', amount);
    const payment = await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'succeeded',
      'paid',
    );
    return { order, payment };
  };
  const refund = (paymentId: string, body: object, key = randomUUID(), token = admin) =>
    service.app.inject({
      method: 'POST',
      url: `/v1/admin/payments/${paymentId}/refunds`,
      headers: { authorization: `Bearer ${token}`, 'idempotency-key': key },
      payload: body,
    });
  const sandbox = (path: string, init: RequestInit = {}) =>
    fetch(`${service.sandboxUrl}${path}`, {
      ...init,
      headers: {
        authorization: `Bearer ${sandboxApiKey}`,
        'content-type': 'application/json',
        ...init.headers,
      },
    });

  const metric = async (name: string, labels: Record<string, string>) =>
    metricValue((await service.app.inject({ url: '/metrics' })).body, name, labels);

  it('refunds partly, then the rest, and never more than was captured', async () => {
    const succeeded = await metric('payments_total', { status: 'succeeded' });
    const refunded = await metric('payment_refunded_amount_minor_total', { currency: 'EUR' });
    const { order, payment } = await paid(2000);
    const first = await refund(payment.id, { amount: { amount: 500, currency: 'EUR' } });
    expect(first.statusCode).toBe(201);
    expect(first.json()).toMatchObject({ status: 'succeeded', amount: { amount: 500 } });
    const over = await refund(payment.id, { amount: { amount: 1501, currency: 'EUR' } });
    expect(over.statusCode).toBe(422);
    expect(over.json().detail).toMatch(/exceeds the 1500/);
    const rest = await refund(payment.id, {});
    expect(rest.json()).toMatchObject({ status: 'succeeded', amount: { amount: 1500 } });
    expect((await refund(payment.id, { amount: { amount: 1, currency: 'EUR' } })).statusCode).toBe(
      422,
    );
    const after = await waitForPayment(service, order.orderId, () => true, 'row');
    expect(after.amount_refunded_minor).toBe(2000);
    expect(await eventsAbout(service, order.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
      'payment.refunded',
    ]);
    // Operators see the money: payments by status, and the amount refunded.
    await waitFor(
      async () =>
        (await metric('payment_refunded_amount_minor_total', { currency: 'EUR' })) ===
        refunded + 2000,
      { what: 'the refunded amount counted' },
    );
    expect(await metric('payments_total', { status: 'succeeded' })).toBe(succeeded + 1);
  }, 60_000);

  it('returns the first refund for a retried request with the same Idempotency-Key', async () => {
    const { payment } = await paid();
    const key = randomUUID();
    const first = await refund(payment.id, { amount: { amount: 300, currency: 'EUR' } }, key);
    const again = await refund(payment.id, { amount: { amount: 300, currency: 'EUR' } }, key);
    expect(again.statusCode).toBe(200);
    expect(again.json().id).toBe(first.json().id);
    const other = await refund(payment.id, { amount: { amount: 400, currency: 'EUR' } }, key);
    expect(other.statusCode).toBe(422);
  });

  it('lets concurrent refunds together take at most what was captured', async () => {
    const { order, payment } = await paid(1000);
    const answers = await Promise.all(
      [1, 2, 3, 4, 5].map(() => refund(payment.id, { amount: { amount: 300, currency: 'EUR' } })),
    );
    expect(answers.filter((a) => a.statusCode === 201)).toHaveLength(3);
    expect(answers.filter((a) => a.statusCode === 422)).toHaveLength(2);
    expect(
      (await waitForPayment(service, order.orderId, () => true, 'row')).amount_refunded_minor,
    ).toBe(900);
  });

  it('refuses refunds of failed payments, other currencies, bad input and non-admins', async () => {
    const declined = await chargeOrder(service, 'pm_card_declined');
    const failed = await waitForPayment(
      service,
      declined.orderId,
      (p) => p.status === 'failed',
      'failed',
    );
    expect((await refund(failed.id, {})).statusCode).toBe(409);
    const { payment } = await paid();
    expect((await refund(payment.id, { amount: { amount: 5, currency: 'USD' } })).statusCode).toBe(
      422,
    );
    expect((await refund(payment.id, { amount: { amount: -5, currency: 'EUR' } })).statusCode).toBe(
      400,
    );
    expect((await refund(payment.id, { surprise: true })).statusCode).toBe(400);
    const customer = await service.ctx.jwks.sign({ userId: randomUUID() });
    expect((await refund(payment.id, {}, randomUUID(), customer)).statusCode).toBe(403);
    expect((await refund(randomUUID(), {})).statusCode).toBe(404);
    const noKey = await service.app.inject({
      method: 'POST',
      url: `/v1/admin/payments/${payment.id}/refunds`,
      headers: { authorization: `Bearer ${admin}` },
      payload: {},
    });
    expect(noKey.statusCode).toBe(400);
  });

  it('refunds automatically when the order is cancelled — also when the money comes later', async () => {
    const { order: early, payment } = await paid(1200);
    const cancelled = (orderId: string, userId: string) =>
      createEvent('order.cancelled', {
        source: 'order',
        subject: orderId,
        data: { orderId, userId, reason: 'expired' },
      });
    await publishEvent(service.ctx.namespace, cancelled(early.orderId, early.userId));
    await waitForPayment(
      service,
      early.orderId,
      (p) => p.amount_refunded_minor === 1200,
      'auto-refunded',
    );
    expect(payment.status).toBe('succeeded');

    const late = await chargeOrder(service, 'pm_card_pending', 800);
    const pending = await waitForPayment(
      service,
      late.orderId,
      (p) => p.provider_charge_id !== null,
      'charge',
    );
    await publishEvent(service.ctx.namespace, cancelled(late.orderId, late.userId));
    await waitForPayment(service, late.orderId, (p) => p.order_cancelled, 'cancellation seen');
    await sandbox(`/v1/test_helpers/payment_intents/${pending.provider_charge_id}/settle`, {
      method: 'POST',
      body: JSON.stringify({ outcome: 'succeeded' }),
    });
    await waitForPayment(
      service,
      late.orderId,
      (p) => p.amount_refunded_minor === 800,
      'late money refunded',
    );
    expect(await eventsAbout(service, late.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
    ]);
  });

  it('reconciliation finds a refund made at the provider whose webhook was lost', async () => {
    const { order, payment } = await paid(1000);
    // A refund made in the provider's dashboard, its webhook lost.
    await providerSdk(service).refunds.create(
      { payment_intent: payment.provider_charge_id!, amount: 250 },
      { idempotencyKey: randomUUID(), headers: { 'sandbox-suppress-webhooks': 'true' } },
    );
    await service.app.jobs.reconcile.runNow();
    const after = await waitForPayment(service, order.orderId, () => true, 'row');
    expect(after.amount_refunded_minor).toBe(250);
    expect(await eventsAbout(service, order.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
    ]);
    await service.app.jobs.reconcile.runNow(); // a second pass finds nothing more
    expect(await eventsAbout(service, order.orderId)).toHaveLength(2);
  });

  it('shows owners their payments with refunds, and admins everyone’s', async () => {
    const { order, payment } = await paid();
    await refund(payment.id, { amount: { amount: 100, currency: 'EUR' } });
    const owner = await service.ctx.jwks.sign({ userId: order.userId });
    const mine = await service.app.inject({
      url: `/v1/payments/${payment.id}`,
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(mine.json()).toMatchObject({ status: 'succeeded', refunded: { amount: 100 } });
    expect(mine.json().refunds).toHaveLength(1);
    const stranger = await service.ctx.jwks.sign({ userId: randomUUID() });
    const theirs = await service.app.inject({
      url: `/v1/payments/${payment.id}`,
      headers: { authorization: `Bearer ${stranger}` },
    });
    expect(theirs.statusCode).toBe(404);
    const list = await service.app.inject({
      url: `/v1/payments?orderId=${order.orderId}`,
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(list.json().items).toHaveLength(1);

    const firstPage = await service.app.inject({
      url: '/v1/admin/payments?limit=2',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(firstPage.json().items).toHaveLength(2);
    const secondPage = await service.app.inject({
      url: `/v1/admin/payments?limit=2&cursor=${firstPage.json().nextCursor}`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(secondPage.json().items[0].id).not.toBe(firstPage.json().items[1].id);
    const failedOnly = await service.app.inject({
      url: '/v1/admin/payments?status=failed',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(failedOnly.json().items.every((p: { status: string }) => p.status === 'failed')).toBe(
      true,
    );
    const forbidden = await service.app.inject({
      url: '/v1/admin/payments',
      headers: { authorization: `Bearer ${owner}` },
    });
    expect(forbidden.statusCode).toBe(403);
  });
});
