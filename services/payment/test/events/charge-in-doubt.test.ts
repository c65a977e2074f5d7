import { createEvent } from '@switchyard/contracts';
import {
  chargesAfterCancellation,
  listProviderCharges,
  publishEvent,
  queryDb,
} from '@switchyard/testing';
import {
  eventsAbout,
  orderCreated,
  sandboxApiKey,
  startPaymentService,
  waitForPayment,
  webhookDelivered,
  type PaymentService,
} from '../support.js';

/**
 * What the order's charge lock can promise, and what it cannot. A charge request that times out
 * is recorded as `unavailable` and lets go of the lock, but the request did reach the provider,
 * which may still make the charge afterwards — after a cancellation recorded meanwhile. The
 * promise is that no charge request is sent after the cancellation is recorded, and that a
 * request in doubt which became a charge is refunded; the consistency check compares when the
 * request arrived at the provider (the sandbox's `requested_ms`), not when the charge was made.
 */
describe('a charge request in doubt when its order is cancelled', () => {
  let service: PaymentService;
  /** Charge requests held at the provider (by order id) until the test lets them go. */
  const held = new Map<string, Promise<void>>();

  beforeAll(async () => {
    service = await startPaymentService({
      providerDown: true,
      // One attempt, given up after 500 ms: the request is in doubt, the payment stays pending.
      env: { PROVIDER_TIMEOUT_MS: '500', PROVIDER_MAX_ATTEMPTS: '1' },
    });
    service.sandbox.addHook('preHandler', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') return;
      const orderId = (request.body as { metadata?: Record<string, string> }).metadata?.order_id;
      await held.get(orderId ?? '');
    });
    await service.startSandbox();
  });
  afterAll(() => service.close());

  it('refunds the charge the provider makes after the cancellation, whose request came before it', async () => {
    const created = orderCreated('pm_card_visa', 2300);
    const order = created.data;
    let letGo!: () => void;
    held.set(order.orderId, new Promise<void>((resolve) => (letGo = resolve)));
    await publishEvent(service.ctx.namespace, created);
    const pending = await waitForPayment(
      service,
      order.orderId,
      (p) => p.last_provider_error !== null,
      'the charge request timed out (still at the provider)',
    );
    expect(pending).toMatchObject({ status: 'pending', provider_charge_id: null });

    await publishEvent(
      service.ctx.namespace,
      createEvent('order.cancelled', {
        source: 'order',
        subject: order.orderId,
        data: { orderId: order.orderId, userId: order.userId, reason: 'cancelled by customer' },
      }),
    );
    await waitForPayment(
      service,
      order.orderId,
      (p) => p.status === 'failed' && p.failure_reason === 'order_cancelled',
      'the cancellation recorded',
    );
    letGo(); // the provider makes the charge now, after the cancellation was recorded

    const refunded = await waitForPayment(
      service,
      order.orderId,
      (p) => p.amount_refunded_minor === 2300,
      'the late charge refunded',
    );
    await webhookDelivered(service, refunded.provider_charge_id!, 'charge.refunded');

    const charges = await listProviderCharges(service.sandboxUrl, sandboxApiKey);
    expect(
      await chargesAfterCancellation({
        paymentDb: service.ctx.databaseUrl,
        providerCharges: charges,
      }),
    ).toEqual([]);
    // It is the case in doubt: requested before the cancellation was recorded, made after it.
    const [tombstone] = await queryDb<{ cancelled_at: Date }>(
      service.ctx.databaseUrl,
      'SELECT cancelled_at FROM order_cancellations WHERE order_id = $1',
      [order.orderId],
    );
    const cancelledAt = tombstone!.cancelled_at.getTime();
    const charge = charges.find((c) => c.metadata.order_id === order.orderId)!;
    expect(charge.requested_ms).toBeLessThan(cancelledAt);
    expect(charge.created_ms).toBeGreaterThan(cancelledAt);
    expect(charge).toMatchObject({ status: 'succeeded', amount_refunded: 2300 });
    expect(await eventsAbout(service, order.orderId)).toEqual([
      'payment.succeeded',
      'payment.refunded',
    ]);
  });
});
