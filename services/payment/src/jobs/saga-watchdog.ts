import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import { lockPayment } from '../payments/lock-payment.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { watchdogActions } from '../payments/payment-metrics.js';

/**
 * The payment side of the saga's watchdog. A payment still pending past `stuckAfterSeconds`
 * is charged again with its idempotency key (the provider answers with the charge it has, or
 * makes it now); one the provider could never be reached for by `giveUpAfterSeconds` fails,
 * which compensates the order. A refund still pending is sent again. Every action is logged
 * and counted (saga_watchdog_actions_total).
 */
export async function runSagaWatchdog(options: {
  db: Db;
  processor: PaymentProcessor;
  logger: Logger;
  stuckAfterSeconds: number;
  giveUpAfterSeconds: number;
}): Promise<void> {
  const { db, processor, logger } = options;
  const stuckBefore = new Date(Date.now() - options.stuckAfterSeconds * 1000);
  const giveUpBefore = new Date(Date.now() - options.giveUpAfterSeconds * 1000);

  const stuckPayments = await db.payment.findMany({
    where: { status: 'pending', updatedAt: { lt: stuckBefore } },
    orderBy: { updatedAt: 'asc' },
    take: 100,
  });
  for (const payment of stuckPayments) {
    if (payment.providerChargeId) {
      // The provider has the charge: ask how it stands (a replayed create would only repeat
      // its first answer), and look again one period later.
      const result = await processor.refresh(payment);
      await db.payment.updateMany({
        where: { id: payment.id, status: 'pending' },
        data: { updatedAt: new Date() },
      });
      watchdogActions.inc({
        step: 'payment',
        action: result?.changed ? 'resolved' : 'still_pending',
      });
      continue;
    }
    const attempt = await processor.chargeAgain(payment);
    const action = attempt.kind === 'answered' ? attempt.charge.status : attempt.kind;
    watchdogActions.inc({ step: 'payment', action: `retried_${action}` });
    logger.warn({ paymentId: payment.id, outcome: action }, 'watchdog retried a stuck payment');
    if (attempt.kind !== 'unavailable' || payment.createdAt > giveUpBefore) continue;
    // Never answered, and out of time: fail it so the order is released and the customer told.
    const failed = await db.$transaction(async (tx) => {
      const locked = await lockPayment(tx, { id: payment.id });
      if (locked?.status !== 'pending' || locked.providerChargeId) return false;
      await processor.fail(tx, locked, 'provider_unavailable', attempt.error);
      return true;
    });
    if (failed) {
      watchdogActions.inc({ step: 'payment', action: 'compensated' });
      logger.error(
        { paymentId: payment.id },
        'watchdog failed a payment the provider never answered',
      );
    }
  }

  const stuckRefunds = await db.paymentRefund.findMany({
    where: { status: 'pending', updatedAt: { lt: stuckBefore } },
    take: 100,
  });
  for (const refund of stuckRefunds) {
    await processor.executeRefund(refund.id);
    watchdogActions.inc({ step: 'refund', action: 'retried' });
    logger.warn({ refundId: refund.id }, 'watchdog resent a stuck refund');
  }
  // The relay publishes whatever the failures above wrote.
}
