import { randomUUID } from 'node:crypto';
import { queryDb, waitFor } from '@switchyard/testing';
import {
  chargeOrder,
  eventsAbout,
  startPaymentService,
  waitForPayment,
  type PaymentService,
} from '../support.js';

/**
 * One payment the provider has never heard of (it answers 404 for its charge) comes first in
 * the watchdog's list. It must not stop the rest of the pass.
 */
describe('the saga watchdog with one bad payment in its list', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService({ env: { GIVE_UP_AFTER_SECONDS: '3' } });
  });
  afterAll(() => service.close());

  const sql = (text: string, values: unknown[] = []) =>
    queryDb(service.ctx.databaseUrl, text, values);
  const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;

  it('backs off the bad payment, resends the stuck refund behind it, and fails the unknown charge once out of time', async () => {
    // The bad one: pending, with a charge id the provider does not know, oldest in the list.
    const lost = await chargeOrder(service, 'pm_card_pending');
    await waitForPayment(service, lost.orderId, (p) => p.provider_charge_id !== null, 'charged');
    await sql(
      `UPDATE payments SET provider_charge_id = 'pi_0000000000000000deadbeef',
                           updated_at = now() - interval '10 minutes'
        WHERE order_id = $1`,
      [lost.orderId],
    );
    // Behind it: a paid order with a refund stuck as pending (its first send never happened).
    const paid = await chargeOrder(service, 'pm_card_visa', 3000);
    const payment = await waitForPayment(
      service,
      paid.orderId,
      (p) => p.status === 'succeeded',
      'paid',
    );
    const refundId = randomUUID();
    await sql(
      `INSERT INTO payment_refunds (id, payment_id, amount_minor, status, reason, requested_by, idempotency_key, created_at, updated_at)
       VALUES ($1, $2, 1000, 'pending', 'requested_by_customer', 'admin', 'stuck', now() - interval '5 minutes', now() - interval '5 minutes')`,
      [refundId, payment.id],
    );

    await service.app.jobs.watchdog.runNow();

    // The refund behind the bad payment was sent and applied.
    await waitForPayment(
      service,
      paid.orderId,
      (p) => p.amount_refunded_minor === 1000,
      'refund resent',
    );
    // The bad payment is backed off, not retried on every pass, and still pending for now.
    const [backedOff] = await sql(
      'SELECT status, watchdog_failures, watchdog_next_at FROM payments WHERE order_id = $1',
      [lost.orderId],
    );
    expect(backedOff).toMatchObject({ status: 'pending', watchdog_failures: 1 });
    expect((backedOff!.watchdog_next_at as Date).getTime()).toBeGreaterThan(Date.now());
    expect(await metrics()).toMatch(
      /saga_watchdog_actions_total\{step="payment",action="item_failed"\} 1/,
    );

    // Once out of time and due again, a charge the provider still does not know was never made.
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    await sql('UPDATE payments SET watchdog_next_at = now() WHERE order_id = $1', [lost.orderId]);
    await service.app.jobs.watchdog.runNow();
    const failed = await waitForPayment(
      service,
      lost.orderId,
      (p) => p.status === 'failed',
      'failed',
    );
    expect(failed.failure_reason).toBe('provider_lost_charge');
    expect(await eventsAbout(service, lost.orderId)).toEqual(['payment.failed']);
    await waitFor(async () => /payment_charges_lost_total 1/.test(await metrics()), {
      what: 'the alert metric',
    });
  });
});
