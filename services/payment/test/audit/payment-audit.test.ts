// The payment service's audit trail on a real database: an admin's refund and the refund an
// order's cancellation asks for each leave an entry (who, the amount), a refund whose commit
// fails leaves none, admins search it, and verify-audit-chain names a tampered entry.
import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import {
  auditEntries,
  publishEvent,
  verifyBeforeAndAfterTampering,
  waitFor,
  withFailingCommits,
} from '@switchyard/testing';
import {
  chargeOrder,
  serviceDir,
  startPaymentService,
  waitForPayment,
  type PaymentService,
} from '../support.js';

describe('payment audit trail', () => {
  let service: PaymentService;
  let admin: string;
  const adminId = randomUUID();
  beforeAll(async () => {
    service = await startPaymentService();
    admin = await service.ctx.jwks.sign({ userId: adminId, roles: ['admin'] });
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
  const refund = (paymentId: string, body: object, key = randomUUID()) =>
    service.app.inject({
      method: 'POST',
      url: `/v1/admin/payments/${paymentId}/refunds`,
      headers: { authorization: `Bearer ${admin}`, 'idempotency-key': key },
      payload: body,
    });
  const entries = (action?: string) => auditEntries(service.ctx.databaseUrl, action);

  it('records an admin’s refund once, with who and the amount', async () => {
    const { order, payment } = await paid(2000);
    const key = randomUUID();
    const first = await refund(
      payment.id,
      { amount: { amount: 500, currency: 'EUR' }, reason: 'damaged' },
      key,
    );
    expect(first.statusCode).toBe(201);
    // The same request again (its Idempotency-Key): the first refund, not a second entry.
    expect(
      (await refund(payment.id, { amount: { amount: 500, currency: 'EUR' } }, key)).statusCode,
    ).toBe(200);

    const recorded = (await entries('payment.refund_requested')).filter(
      (e) => e.target_id === payment.id,
    );
    expect(recorded).toEqual([
      expect.objectContaining({
        actor_type: 'admin',
        actor_id: adminId,
        target_type: 'payment',
        details: expect.objectContaining({
          refundId: first.json().id,
          amount: { amount: 500, currency: 'EUR' },
          orderId: order.orderId,
        }),
      }),
    ]);
    const found = await service.app.inject({
      url: `/v1/admin/audit-events/payment?action=payment.refund_requested&targetId=${payment.id}`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().items).toHaveLength(1);
  });

  it('records the refund an order’s cancellation asks for, by the payment service, with the reason', async () => {
    const { order, payment } = await paid(1500);
    await publishEvent(
      service.ctx.namespace,
      createEvent('order.cancelled', {
        source: 'order',
        subject: order.orderId,
        data: { orderId: order.orderId, userId: order.userId, reason: 'cancelled by customer' },
      }),
    );
    await waitFor(
      async () =>
        (await entries('payment.refund_requested')).some((e) => e.target_id === payment.id),
      { what: 'the cancellation refund recorded' },
    );
    const [entry] = (await entries('payment.refund_requested')).filter(
      (e) => e.target_id === payment.id,
    );
    expect(entry).toMatchObject({
      actor_type: 'system',
      actor_id: 'payment',
      details: {
        amount: { amount: 1500, currency: 'EUR' },
        trigger: 'order.cancelled',
        cancelReason: 'cancelled by customer',
        customerId: order.userId,
      },
    });
  });

  it('records nothing for a refund whose transaction rolls back', async () => {
    const { payment } = await paid(900);
    const before = await entries();
    const failed = await withFailingCommits(service.ctx.databaseUrl, 'payment_refunds', () =>
      refund(payment.id, { amount: { amount: 100, currency: 'EUR' } }),
    );
    expect(failed.statusCode).toBe(500);
    expect(await entries()).toEqual(before);
  });

  it('verify-audit-chain says the chain holds, names an entry altered, and holds again once it is put back', async () => {
    const { intact, broken, restored, tamperedId } = await verifyBeforeAndAfterTampering(
      serviceDir,
      service.ctx.databaseUrl,
      { stream: 'payment', seq: 1 },
    );
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^payment: intact, \d+ entries from the start/m);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      `payment: BROKEN at seq 1 (entry ${tamperedId}): its content was altered`,
    );
    expect(restored.code).toBe(0);
  });
});
