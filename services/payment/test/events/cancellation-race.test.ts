import { createEvent } from '@switchyard/contracts';
import type { SqlClient } from '@switchyard/messaging';
import {
  chargesAfterCancellation,
  listProviderCharges,
  publishEvent,
  queryDb,
} from '@switchyard/testing';
import { orderCancelledHandler } from '../../src/events/order-cancelled.js';
import {
  chargeOrder,
  orderCreated,
  sandboxApiKey,
  startPaymentService,
  waitForPayment,
  webhookDelivered,
  type PaymentService,
} from '../support.js';

/**
 * order.created and order.cancelled share a partition, but a rebalance (or a replay) can hand the
 * cancellation to another replica while the first one is still asking the provider for the
 * charge, or before that replica has created the payment row. Neither order of events may
 * leave a charge made after the cancellation was recorded, or money kept for a cancelled order.
 */
describe('a cancellation racing the charge of its order', () => {
  let service: PaymentService;
  /** Called when the sandbox receives a charge request for an order (its body parsed). */
  const onChargeRequest = new Map<string, () => void>();

  beforeAll(async () => {
    service = await startPaymentService({
      providerDown: true,
      env: { PROVIDER_TIMEOUT_MS: '5000' },
      // pm_card_slow: the sandbox makes the charge 1.5 s after the request arrives.
      sandboxEnv: { SANDBOX_SLOW_MS: '1500' },
    });
    service.sandbox.addHook('preHandler', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') return;
      const orderId = (request.body as { metadata?: Record<string, string> }).metadata?.order_id;
      onChargeRequest.get(orderId ?? '')?.();
    });
    await service.startSandbox();
  });
  afterAll(() => service.close());

  const cancelledEvent = (order: { orderId: string; userId: string }) =>
    createEvent('order.cancelled', {
      source: 'order',
      subject: order.orderId,
      data: { orderId: order.orderId, userId: order.userId, reason: 'cancelled by customer' },
    });

  it('records a cancellation that arrives while its charge request is in flight only once the provider has answered, and refunds the charge', async () => {
    const created = orderCreated('pm_card_slow', 2700);
    const order = created.data;
    const requestArrived = new Promise<void>((resolve) =>
      onChargeRequest.set(order.orderId, resolve),
    );
    await publishEvent(service.ctx.namespace, created);
    await requestArrived; // the provider is working on the charge now

    // Another replica handles the cancellation meanwhile, as after a rebalance.
    await service.app.db.$transaction(
      (tx) =>
        orderCancelledHandler(service.app.processor).handle(
          cancelledEvent(order),
          tx as unknown as SqlClient,
          undefined,
        ),
      { timeout: 10_000 },
    );
    await service.app.processor.executePendingRefunds({ orderId: order.orderId });

    const refunded = await waitForPayment(
      service,
      order.orderId,
      (p) => p.amount_refunded_minor === 2700,
      'the charge refunded',
    );
    await webhookDelivered(service, refunded.provider_charge_id!, 'charge.refunded');
    expect(
      await chargesAfterCancellation({
        paymentDb: service.ctx.databaseUrl,
        providerCharges: await listProviderCharges(service.sandboxUrl, sandboxApiKey),
      }),
    ).toEqual([]);
  });

  it('refunds a charge that slipped past a cancellation recorded before its payment row existed', async () => {
    const order = await chargeOrder(service, 'pm_card_pending', 1900);
    const charged = await waitForPayment(
      service,
      order.orderId,
      (p) => p.provider_charge_id !== null,
      'charge made, pending',
    );
    // What a cancellation handled before the payment row existed left: a tombstone, and no
    // flag on the payment (the tombstone is the only record of the cancellation).
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO order_cancellations (order_id, reason) VALUES ($1, 'cancelled by customer')`,
      [order.orderId],
    );
    const settled = await fetch(
      `${service.sandboxUrl}/v1/test_helpers/payment_intents/${charged.provider_charge_id}/settle`,
      {
        method: 'POST',
        headers: { authorization: `Bearer ${sandboxApiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ outcome: 'succeeded' }),
      },
    );
    expect(settled.status).toBe(200);
    const refunded = await waitForPayment(
      service,
      order.orderId,
      (p) => p.amount_refunded_minor === 1900,
      'the slipped charge refunded',
    );
    expect(refunded.status).toBe('succeeded');
    await webhookDelivered(service, refunded.provider_charge_id!, 'charge.refunded');
  });
});
