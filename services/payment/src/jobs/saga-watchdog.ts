import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Payment } from '../generated/prisma/client.js';
import type { ChargeOutcome, PaymentProcessor } from '../payments/payment-processor.js';
import { chargesLost, watchdogActions } from '../payments/payment-metrics.js';
import { ProviderRejectedError } from '../provider/provider-types.js';
import { itemBackoffMs } from './item-backoff.js';

interface WatchdogOptions {
  db: Db;
  processor: PaymentProcessor;
  logger: Logger;
  stuckAfterSeconds: number;
  giveUpAfterSeconds: number;
  /** Aborted when this replica's lease on the job is lost: stop between items. */
  signal?: AbortSignal;
}

const BATCH = 100;

/**
 * The payment side of the saga's watchdog. A payment still pending past `stuckAfterSeconds`
 * is charged again with its idempotency key (the provider answers with the charge it has, or
 * makes it now), or asked about when the provider already has its charge; one the provider
 * could never be reached for, or that it still does not know, by `giveUpAfterSeconds` fails,
 * which compensates the order. A stuck payment whose order is cancelled and that has no charge
 * is failed (`order_cancelled`) and never sent to the provider; with a charge, only that charge
 * is asked about. A payment whose order is being charged elsewhere right now (another replica
 * holds its charge lock) is work under way, left to the next pass: not waited for, not backed
 * off. A refund still pending is sent again. Every action is logged and counted
 * (saga_watchdog_actions_total).
 *
 * Each item is on its own: one that fails is backed off (watchdog_next_at) and the pass goes
 * on, so a single bad payment never starves the others.
 */
export async function runSagaWatchdog(options: WatchdogOptions): Promise<void> {
  const { db } = options;
  const stuckBefore = new Date(Date.now() - options.stuckAfterSeconds * 1000);
  const due = (now = new Date()) => ({
    updatedAt: { lt: stuckBefore },
    OR: [{ watchdogNextAt: null }, { watchdogNextAt: { lte: now } }],
  });

  const stuckPayments = await db.payment.findMany({
    where: { status: 'pending', ...due() },
    orderBy: { updatedAt: 'asc' },
    take: BATCH,
  });
  for (const payment of stuckPayments) {
    if (options.signal?.aborted) return;
    try {
      await watchPayment(options, payment);
      if (payment.watchdogFailures > 0)
        await db.payment.update({
          where: { id: payment.id },
          data: { watchdogFailures: 0, watchdogNextAt: null },
        });
    } catch (error) {
      await backOffPayment(options, payment, error);
    }
  }

  const stuckRefunds = await db.paymentRefund.findMany({
    where: { status: 'pending', ...due() },
    orderBy: { updatedAt: 'asc' },
    take: BATCH,
  });
  for (const refund of stuckRefunds) {
    if (options.signal?.aborted) return;
    try {
      await options.processor.executeRefund(refund.id);
      watchdogActions.inc({ step: 'refund', action: 'retried' });
      options.logger.warn({ refundId: refund.id }, 'watchdog resent a stuck refund');
    } catch (error) {
      const failures = refund.watchdogFailures + 1;
      await db.paymentRefund.update({
        where: { id: refund.id },
        data: {
          watchdogFailures: failures,
          watchdogNextAt: new Date(Date.now() + itemBackoffMs(failures)),
        },
      });
      watchdogActions.inc({ step: 'refund', action: 'item_failed' });
      options.logger.error(
        { refundId: refund.id, err: error, failures },
        'watchdog could not resend a refund; backing off',
      );
    }
  }
  // The relay publishes whatever the failures above wrote.
}

async function watchPayment(options: WatchdogOptions, seen: Payment): Promise<void> {
  let payment = seen;
  if (!payment.providerChargeId) {
    // A charge for the order in flight elsewhere is work under way: leave it to the next pass.
    const outcome = await options.processor.charge(payment, { ifFree: true });
    if (outcome.kind !== 'has_charge') return reportCharge(options, payment, outcome);
    payment = outcome.payment; // recorded since the list was read: ask about it, never re-charge
  }
  await refreshCharge(options, payment);
}

/** Count and log what charging a stuck payment came to; give up on it once out of time. */
async function reportCharge(
  options: WatchdogOptions,
  payment: Payment,
  outcome: Exclude<ChargeOutcome, { kind: 'has_charge' }>,
): Promise<void> {
  const { logger } = options;
  if (outcome.kind === 'settled') return;
  if (outcome.kind === 'in_flight') {
    watchdogActions.inc({ step: 'payment', action: 'skipped_in_flight' });
    return;
  }
  if (outcome.kind === 'order_cancelled') {
    watchdogActions.inc({ step: 'payment', action: 'failed_order_cancelled' });
    logger.warn(
      { paymentId: payment.id, orderId: payment.orderId },
      'watchdog failed the stuck payment of a cancelled order instead of charging it',
    );
    return;
  }
  const action = outcome.kind === 'answered' ? outcome.charge.status : outcome.kind;
  watchdogActions.inc({ step: 'payment', action: `retried_${action}` });
  logger.warn({ paymentId: payment.id, outcome: action }, 'watchdog retried a stuck payment');
  if (outcome.kind !== 'unavailable' || !outOfTime(options, payment)) return;
  // Never answered, and out of time: fail it so the order is released and the customer told —
  // unless a charge id was recorded meanwhile (then the provider holds money for it).
  if (await failPending(options, payment, 'provider_unavailable', outcome.error)) {
    watchdogActions.inc({ step: 'payment', action: 'compensated' });
    logger.error(
      { paymentId: payment.id },
      'watchdog failed a payment the provider never answered',
    );
  }
}

/**
 * The provider has the payment's charge: ask how it stands (a replayed create would only repeat
 * its first answer), and look again one period later. A charge the provider says it does not
 * know (404), still unknown once the payment is out of time, was never made: the payment fails
 * (the order compensates) and an alert metric counts it.
 */
async function refreshCharge(options: WatchdogOptions, payment: Payment): Promise<void> {
  const { db, processor, logger } = options;
  let result;
  try {
    result = await processor.refresh(payment);
  } catch (error) {
    const unknownCharge = error instanceof ProviderRejectedError && error.status === 404;
    if (!unknownCharge || !outOfTime(options, payment)) throw error;
    if (await failPending(options, payment, 'provider_lost_charge', error.message)) {
      chargesLost.inc();
      watchdogActions.inc({ step: 'payment', action: 'compensated_unknown_charge' });
      logger.error(
        { paymentId: payment.id, chargeId: payment.providerChargeId },
        'the provider does not know this charge; payment failed so the order is released (check the provider)',
      );
    }
    return;
  }
  await db.payment.updateMany({
    where: { id: payment.id, status: 'pending' },
    data: { updatedAt: new Date() },
  });
  watchdogActions.inc({
    step: 'payment',
    action: result?.changed ? 'resolved' : 'still_pending',
  });
}

const outOfTime = (options: WatchdogOptions, payment: Payment) =>
  payment.createdAt.getTime() < Date.now() - options.giveUpAfterSeconds * 1000;

/**
 * Fail a payment still pending with the charge id it was judged on, under its order's charge
 * lock and then its own (PaymentProcessor.failStillPending); false when something settled it
 * meanwhile or recorded a charge for it — a payment the provider holds a charge for is never
 * failed here — or when a charge request for its order is in flight on another replica (it
 * holds the order's lock, with no charge id recorded yet): that one is left to the next pass.
 */
const failPending = (options: WatchdogOptions, seen: Payment, reason: string, detail: string) =>
  options.db.$transaction((tx) =>
    options.processor.failStillPending(tx, seen, reason, detail, { ifFree: true }),
  );

/** One payment failed the watchdog: look at it again later (exponential backoff). */
async function backOffPayment(
  options: WatchdogOptions,
  payment: Payment,
  error: unknown,
): Promise<void> {
  const { db, logger } = options;
  const failures = payment.watchdogFailures + 1;
  await db.payment.update({
    where: { id: payment.id },
    data: {
      watchdogFailures: failures,
      watchdogNextAt: new Date(Date.now() + itemBackoffMs(failures)),
    },
  });
  watchdogActions.inc({ step: 'payment', action: 'item_failed' });
  logger.error(
    { paymentId: payment.id, err: error, failures },
    'watchdog could not move a payment; backing off',
  );
}
