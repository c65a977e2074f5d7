import { createEvent } from '@switchyard/contracts';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  paymentOf,
  sandboxApiKey,
  startPaymentService,
  waitForPayment,
  webhookDelivered,
  type PaymentService,
} from '../support.js';

const pastStuckAfter = () => new Promise((resolve) => setTimeout(resolve, 1_100));

/**
 * A payment left pending by a provider outage, whose order is then cancelled (by the customer,
 * or by expiry), must never be charged when the provider comes back: the saga watchdog fails it
 * (`order_cancelled`) instead of sending it to the provider. The sandbox counts every charge
 * request it receives per idempotency key (the payment id), so "never sent" is observable. Such
 * a payment is closed without payment.failed: nothing declined, and the order is cancelled.
 */
describe('the saga watchdog and cancelled orders', () => {
  let service: PaymentService;
  const chargeRequests = new Map<string, number>();

  beforeAll(async () => {
    service = await startPaymentService({ providerDown: true });
    service.sandbox.addHook('onRequest', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') return;
      const key = String(request.headers['idempotency-key']);
      chargeRequests.set(key, (chargeRequests.get(key) ?? 0) + 1);
    });
  });
  afterAll(() => service.close());

  const sql = (text: string, values: unknown[] = []) =>
    queryDb(service.ctx.databaseUrl, text, values);
  const chargesAtProvider = async (orderId: string) => {
    const res = await fetch(`${service.sandboxUrl}/v1/charges?limit=100`, {
      headers: { authorization: `Bearer ${sandboxApiKey}` },
    });
    const { data } = (await res.json()) as { data: { metadata: Record<string, string> }[] };
    return data.filter((c) => c.metadata.order_id === orderId);
  };
  const cancel = (order: { orderId: string; userId: string }) =>
    publishEvent(
      service.ctx.namespace,
      createEvent('order.cancelled', {
        source: 'order',
        subject: order.orderId,
        data: { orderId: order.orderId, userId: order.userId, reason: 'expired' },
      }),
    );
  const tombstoneOf = async (orderId: string) =>
    (await sql('SELECT order_id FROM order_cancellations WHERE order_id = $1', [orderId]))[0];

  it('fails the pending payment of an order cancelled during a provider outage, and never charges it once the provider is back', async () => {
    const order = await chargeOrder(service, 'pm_card_visa');
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'the first attempt failed: the provider is down',
    );
    await cancel(order);
    await waitFor(async () => (await tombstoneOf(order.orderId)) !== undefined, {
      what: 'the cancellation recorded',
    });

    await service.startSandbox();
    await pastStuckAfter();
    await service.app.jobs.watchdog.runNow();

    expect(await paymentOf(service, order.orderId)).toMatchObject({
      status: 'failed',
      failure_reason: 'order_cancelled',
      provider_charge_id: null,
      amount_refunded_minor: 0,
    });
    expect(await chargesAtProvider(order.orderId)).toEqual([]);
    // Closed without payment.failed: the order is cancelled already, and its customer told so
    // once (order.cancelled) — not also that a payment "was not accepted".
    expect(await eventsAbout(service, order.orderId)).toEqual([]);
  });

  it.each([
    [
      'a tombstone only (the cancellation found no payment row)',
      (orderId: string) =>
        sql(`INSERT INTO order_cancellations (order_id, reason) VALUES ($1, 'expired')`, [orderId]),
    ],
    [
      'the payment’s flag only',
      (orderId: string) =>
        sql('UPDATE payments SET order_cancelled = true WHERE order_id = $1', [orderId]),
    ],
  ])(
    'never sends a charge request for a pending payment whose cancellation is recorded as %s',
    async (_, recordCancellation) => {
      // Pending with no charge id: the provider answered 503 to every attempt so far.
      const order = await chargeOrder(service, 'pm_card_provider_outage');
      const pending = await waitForPayment(
        service,
        order.orderId,
        (p) => p.last_provider_error !== null,
        'attempts exhausted',
      );
      expect(pending.provider_charge_id).toBeNull();
      await recordCancellation(order.orderId);
      const requestsBefore = chargeRequests.get(pending.id);
      expect(requestsBefore).toBeGreaterThan(0);

      await pastStuckAfter();
      await service.app.jobs.watchdog.runNow();

      expect(chargeRequests.get(pending.id)).toBe(requestsBefore);
      expect(await paymentOf(service, order.orderId)).toMatchObject({
        status: 'failed',
        failure_reason: 'order_cancelled',
      });
      expect(await eventsAbout(service, order.orderId)).toEqual([]);
    },
  );

  it('only refreshes the charge of a cancelled order that has one, and refunds it once it succeeds', async () => {
    const order = await chargeOrder(service, 'pm_card_pending', 3100);
    const charged = await waitForPayment(
      service,
      order.orderId,
      (p) => p.provider_charge_id !== null,
      'charge made, still pending',
    );
    await cancel(order);
    await waitForPayment(service, order.orderId, (p) => p.order_cancelled, 'cancellation seen');
    const requestsBefore = chargeRequests.get(charged.id);

    await pastStuckAfter();
    await service.app.jobs.watchdog.runNow();
    expect(chargeRequests.get(charged.id)).toBe(requestsBefore);
    expect((await paymentOf(service, order.orderId))?.status).toBe('pending');

    // The provider settles it after all: the money is captured, then given back.
    const settled = await fetch(
      `${service.sandboxUrl}/v1/test_helpers/payment_intents/${charged.provider_charge_id}/settle`,
      {
        method: 'POST',
        headers: {
          authorization: `Bearer ${sandboxApiKey}`,
          'content-type': 'application/json',
        },
        body: JSON.stringify({ outcome: 'succeeded' }),
      },
    );
    expect(settled.status).toBe(200);
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.amount_refunded_minor === 3100,
      'refunded in full',
    );
    expect(await chargesAtProvider(order.orderId)).toHaveLength(1);
    await webhookDelivered(service, charged.provider_charge_id!, 'charge.refunded');
  });
});
