import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { consumedEvents, publishEvent, queryDb, waitFor } from '@switchyard/testing';
import { orderCreated, paymentOf, startPaymentService, type PaymentService } from '../support.js';

describe('order events out of order', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;
  const sandboxCharges = async () => {
    const res = await fetch(`${service.sandboxUrl}/v1/charges?limit=100`, {
      headers: { authorization: 'Bearer sk_test_payment_suite' },
    });
    return ((await res.json()) as { data: { metadata: Record<string, string> }[] }).data;
  };

  it('never charges an order whose cancellation arrived before it', async () => {
    const created = orderCreated('pm_card_visa');
    const { orderId, userId } = created.data;
    const cancelled = createEvent('order.cancelled', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId, reason: 'cancelled by customer' },
    });
    const createdBefore = consumedEvents(await metrics(), 'order.created', 'applied');
    // What a relay race or a replay from the dead-letter topic delivers: the cancel first.
    await publishEvent(service.ctx.namespace, cancelled);
    await publishEvent(service.ctx.namespace, created);
    await waitFor(
      async () => consumedEvents(await metrics(), 'order.created', 'applied') > createdBefore,
      { what: 'order.created consumed' },
    );

    expect(await paymentOf(service, orderId)).toBeUndefined();
    expect((await sandboxCharges()).filter((c) => c.metadata.order_id === orderId)).toEqual([]);
    const [tombstone] = await queryDb<{ reason: string }>(
      service.ctx.databaseUrl,
      'SELECT reason FROM order_cancellations WHERE order_id = $1',
      [orderId],
    );
    expect(tombstone?.reason).toBe('cancelled by customer');
    expect(await metrics()).toMatch(
      /payment_charges_skipped_total\{reason="order_cancelled"\} [1-9]/,
    );
  });

  it('still refunds an order cancelled after its charge was made', async () => {
    const created = orderCreated('pm_card_visa', 1800, randomUUID());
    const { orderId, userId } = created.data;
    await publishEvent(service.ctx.namespace, created);
    await waitFor(async () => (await paymentOf(service, orderId))?.status === 'succeeded', {
      what: 'paid',
    });
    await publishEvent(
      service.ctx.namespace,
      createEvent('order.cancelled', {
        source: 'order',
        subject: orderId,
        data: { orderId, userId, reason: 'expired' },
      }),
    );
    await waitFor(async () => (await paymentOf(service, orderId))?.amount_refunded_minor === 1800, {
      what: 'refunded in full',
    });
  });
});
