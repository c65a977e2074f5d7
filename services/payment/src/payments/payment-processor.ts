import { enqueueEvent, type Logger } from '@switchyard/messaging';
import type pg from 'pg';
import type { Db } from '../db.js';
import type { Payment, Prisma } from '../generated/prisma/client.js';
import type { ProviderClient } from '../provider/provider-client.js';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type ProviderCharge,
} from '../provider/provider-types.js';
import {
  failPending,
  lockChargesRecordingInbox,
  readForCharge,
  recordAnswer,
  recordInbox,
  recordUnavailable,
  tryLockChargesOn,
  type InboxEntry,
} from '../sql/charge-statements.js';
import { inPgTransaction } from '@switchyard/db';
import { applyProviderCharge, type ApplyResult } from './apply-provider-charge.js';
import { chargeAlreadyApplied } from './charge-already-applied.js';
import { planChargeUpdate } from './charge-plan.js';
import { ChargeSlots } from './charge-slots.js';
import { lockPayment } from './lock-payment.js';
import { ORDER_CANCELLED } from './order-cancelled-reason.js';
import {
  chargeLockOf,
  lockCharges,
  ORDER_CHARGE_LOCK_WAIT_MS,
  tryLockCharges,
} from './order-charge-lock.js';
import { chargeFailed, chargeSucceeded, orderActionRequired } from './payment-events.js';
import { chargeSlots, refundsFailed } from './payment-metrics.js';

type Tx = Prisma.TransactionClient;

/** What asking the provider for a charge came to; never an exception. */
export type ChargeAttempt =
  | { kind: 'answered'; charge: ProviderCharge }
  | { kind: 'unavailable'; error: string }
  | { kind: 'rejected'; error: string; reason?: string };

/** What `charge` came to: the provider was asked, or it was not (and why). */
export type ChargeOutcome =
  | ChargeAttempt
  /** No longer pending (settled meanwhile): nothing to ask. */
  | { kind: 'settled' }
  /** The provider holds a charge for it: only ever ask about that one, never create another. */
  | { kind: 'has_charge'; payment: Payment }
  /** Its order is cancelled and no charge was made: failed (`order_cancelled`, no event), never sent. */
  | { kind: 'order_cancelled' }
  /** Only if the lock was free (`ifFree`): the order is being charged (or cancelled) elsewhere. */
  | { kind: 'in_flight' };

/**
 * How a caller takes the order's charge lock: waiting for it (ORDER_CHARGE_LOCK_WAIT_MS, then a
 * transient lock timeout), or only if it is free (`ifFree`) — the watchdog's way: a charge for
 * the order in flight elsewhere is work under way, not a stuck payment, so it is left to the
 * next pass instead of stalling the pass and backing the payment off.
 */
export interface OrderLockOptions {
  ifFree?: boolean;
}

export { ORDER_CANCELLED };

/** A subscription charge whose method is not a card its user saved: never sent. */
export const PAYMENT_METHOD_NOT_SAVED = 'payment_method_not_saved';
/** A charge whose method is a card another customer saved: never sent. */
export const PAYMENT_METHOD_NOT_YOURS = 'payment_method_not_yours';

type ChargeTarget = Pick<Payment, 'id' | 'orderId'>;

/**
 * Longest wait for a turn among the charges in flight before the charge is retried later
 * (NoChargeSlot is transient: the consumer backs off heartbeating, so it notices a rebalance;
 * the watchdog backs the payment off).
 */
const CHARGE_SLOT_WAIT_MS = 5_000;

export interface PaymentProcessorOptions {
  db: Db;
  provider: ProviderClient;
  log: Logger;
  /** Called after a commit that wrote events: lets the outbox relay publish at once. */
  committed: () => void;
  /** Most charges at the provider at once (PAYMENT_CHARGES_IN_FLIGHT): see ChargeSlots. */
  chargesInFlight: number;
  /** Aborted at shutdown: every provider call in flight ends at once (nothing is lost). */
  shutdown?: AbortSignal;
}

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * A payment method that must never reach the provider for this payment: a card another customer
 * saved (any payment); for a subscription charge, also any method its user has not saved — an
 * off-session charge is only ever made on a card the customer saved for it.
 */
function refuseMethod(payment: Payment, savedBy: string | null): ChargeAttempt | null {
  if (savedBy && savedBy !== payment.userId)
    return {
      kind: 'rejected',
      reason: PAYMENT_METHOD_NOT_YOURS,
      error: 'the payment method is a card another customer saved',
    };
  if (!savedBy && payment.purpose === 'subscription')
    return {
      kind: 'rejected',
      reason: PAYMENT_METHOD_NOT_SAVED,
      error: 'a subscription is charged off-session only on a card its customer saved',
    };
  return null;
}

/**
 * Every conversation with the provider about a payment, each followed by applying what the
 * provider said through the one state machine (applyProviderCharge) in its own transaction.
 * Charges are requested only through `charge`, under the order's charge lock.
 */
export class PaymentProcessor {
  private readonly db: Db;
  private readonly provider: ProviderClient;
  private readonly log: Logger;
  private readonly committed: () => void;
  private readonly shutdown: AbortSignal;
  private readonly slots: ChargeSlots;

  constructor(options: PaymentProcessorOptions) {
    this.db = options.db;
    this.provider = options.provider;
    this.log = options.log;
    this.committed = options.committed;
    this.shutdown = options.shutdown ?? new AbortController().signal;
    this.slots = new ChargeSlots(options.chargesInFlight, ({ inFlight, waiting }) => {
      chargeSlots.set({ state: 'in_flight' }, inFlight);
      chargeSlots.set({ state: 'waiting' }, waiting);
    });
  }

  private signal(extra?: AbortSignal): AbortSignal {
    return extra ? AbortSignal.any([this.shutdown, extra]) : this.shutdown;
  }

  /**
   * Charge a pending payment: the only way a charge request is ever sent. Under the order's
   * charge lock (lockOrderCharges), held until the answer is recorded: a payment whose order is
   * cancelled (flag or tombstone) and that has no charge is failed with `order_cancelled` and
   * never sent; one the provider already holds a charge for is left to be refreshed. The lock is
   * held across the provider call (one database connection per charge in flight), which is what
   * makes a cancellation wait for it — so a charge first waits for a turn among the
   * PAYMENT_CHARGES_IN_FLIGHT (ChargeSlots), holding no connection, and a slow provider never
   * takes the whole pool. `inbox`: the consumed event this charge completes, recorded in the
   * charge transaction (SelfRecordingHandler).
   */
  async charge(
    seen: ChargeTarget,
    options: OrderLockOptions & { signal?: AbortSignal; inbox?: InboxEntry } = {},
  ): Promise<ChargeOutcome> {
    const release = await this.slots.acquire(CHARGE_SLOT_WAIT_MS, this.signal(options.signal));
    // The turn ends with the transaction; refunds to send after it need no connection held.
    const recorded = await this.chargeUnderLock(seen, options).finally(release);
    if (recorded.applied) await this.afterApply(recorded.applied);
    if (recorded.applyAfter) await this.applySnapshot(seen.id, recorded.applyAfter);
    return recorded.outcome;
  }

  /**
   * One charge transaction: the charge lock (with the consumed event's inbox row, if any), the
   * checks, the call, its answer and event recorded — in plain SQL on a connection of the pool,
   * five round trips for a new charge where the ORM made about fourteen (docs/decisions/0013).
   * Each recording statement changes only a payment still pending (with no charge recorded, or
   * this one); one the webhook settled first is left alone when it already agrees with the
   * answer (one read), else the answer is applied after commit through the full state machine
   * (applySnapshot), as is a snapshot reporting refunds.
   *
   * No transaction timeout of its own (the ORM's was the lock wait + the call's budget + 5 s):
   * the lock wait is bounded by lock_timeout, the call by its budget and each statement by
   * DB_STATEMENT_TIMEOUT_MS.
   */
  private async chargeUnderLock(
    seen: ChargeTarget,
    options: OrderLockOptions & { signal?: AbortSignal; inbox?: InboxEntry },
  ): Promise<{ outcome: ChargeOutcome; applied?: ApplyResult; applyAfter?: ProviderCharge }> {
    return inPgTransaction(this.db.pool, async (client) => {
      const name = chargeLockOf(seen);
      if (options.ifFree) {
        if (!(await tryLockChargesOn(client, name))) return { outcome: { kind: 'in_flight' } };
        if (options.inbox) await recordInbox(client, options.inbox);
      } else {
        await lockChargesRecordingInbox(client, name, ORDER_CHARGE_LOCK_WAIT_MS, options.inbox);
      }
      // The payment, whether its order is cancelled (flag or tombstone), and whose saved card
      // its method is (if anyone's), in one read — after the lock, in a snapshot of its own. No
      // cancellation can be recorded while the lock is held, so `cancelled` stays true to the end.
      const row = await readForCharge(client, seen.id);
      if (!row) throw new Error(`payment ${seen.id} not found`);
      const { cancelled, savedBy, savedCustomer, ...payment } = row;
      if (payment.status !== 'pending') return { outcome: { kind: 'settled' } };
      if (payment.providerChargeId) return { outcome: { kind: 'has_charge', payment } };
      if (cancelled) {
        if (!(await failPending(client, payment.id, ORDER_CANCELLED, null, null)))
          return { outcome: { kind: 'settled' } };
        this.log.warn(
          { paymentId: payment.id, orderId: payment.orderId },
          'order cancelled before it was charged: payment closed (failed, order_cancelled), never sent to the provider',
        );
        return {
          outcome: { kind: 'order_cancelled' },
          applied: { changed: true, refundsToExecute: [] },
        };
      }
      const attempt: ChargeAttempt =
        refuseMethod(payment, savedBy) ??
        (await this.requestCharge(payment, savedCustomer ?? undefined, options.signal));
      return { outcome: attempt, ...(await this.recordChargeAttempt(client, payment, attempt)) };
    });
  }

  /**
   * Record a charge attempt on a payment read pending with no charge, under the charge lock (so
   * its order is not cancelled, and stays so). An answer goes through the state machine; a
   * provider that stayed unreachable leaves the payment pending for the watchdog; a refusal (4xx,
   * a redirect) fails the payment, which compensates the order.
   */
  private async recordChargeAttempt(
    client: pg.ClientBase,
    payment: Payment,
    attempt: ChargeAttempt,
  ): Promise<{ applied?: ApplyResult; applyAfter?: ProviderCharge }> {
    const unchanged = { applied: { changed: false, refundsToExecute: [] } };
    if (attempt.kind === 'answered') {
      const { charge } = attempt;
      // Refunds reported with the charge (a charge asked for again after it was refunded at
      // the provider): the charge id now, the rest through the full state machine after commit.
      const refunds = charge.refunds.some((r) => r.status === 'succeeded');
      const plan = refunds
        ? undefined
        : planChargeUpdate(
            {
              status: 'pending',
              amountMinor: payment.amountMinor,
              amountRefundedMinor: payment.amountRefundedMinor,
              offSession: payment.purpose === 'subscription',
            },
            [],
            charge,
          ).status;
      const event =
        plan?.to === 'succeeded'
          ? chargeSucceeded(payment, charge.id)
          : plan?.to === 'failed'
            ? chargeFailed(payment, plan.reason)
            : plan?.to === 'requires_action'
              ? orderActionRequired(payment, plan.url)
              : null;
      const recorded = await recordAnswer(client, payment.id, charge.id, plan, event);
      if (refunds) return { ...unchanged, applyAfter: charge };
      // The webhook applied this very answer first: one read says so, nothing more to do.
      if (!recorded && (await chargeAlreadyApplied(client, charge))) return unchanged;
      if (!recorded) return { ...unchanged, applyAfter: charge };
      return { applied: { changed: plan !== undefined, refundsToExecute: [] } };
    }
    if (attempt.kind === 'unavailable') {
      this.log.warn(
        { paymentId: payment.id, error: attempt.error },
        'payment provider unavailable; payment stays pending',
      );
      await recordUnavailable(client, payment.id, attempt.error);
      return unchanged;
    }
    this.log.error(
      { paymentId: payment.id, error: attempt.error },
      'payment provider refused the charge',
    );
    const reason = attempt.reason ?? 'provider_error';
    const failed = await failPending(
      client,
      payment.id,
      reason,
      attempt.error,
      chargeFailed(payment, reason),
    );
    return failed ? { applied: { changed: true, refundsToExecute: [] } } : unchanged;
  }

  /**
   * Ask for the charge; the payment id is the idempotency key, so asking again is safe. A
   * saved card is charged with its customer, as the provider requires. A subscription charge is
   * made off-session (`off_session: true`: nobody is there to authenticate, so a card that asks
   * for it is declined with `authentication_required` instead), described as billing says.
   */
  private async requestCharge(
    payment: Payment,
    customer: string | undefined,
    signal?: AbortSignal,
  ): Promise<ChargeAttempt> {
    try {
      const charge = await this.provider.createCharge(
        {
          idempotencyKey: payment.id,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          paymentMethod: payment.paymentMethod,
          customer,
          ...(payment.purpose === 'subscription'
            ? {
                offSession: true,
                description: payment.description ?? undefined,
                metadata: {
                  payment_id: payment.id,
                  charge_id: payment.id,
                  subscription_id: payment.subscriptionId ?? '',
                },
              }
            : { metadata: { payment_id: payment.id, order_id: payment.orderId ?? '' } }),
        },
        { signal: this.signal(signal) },
      );
      return { kind: 'answered', charge };
    } catch (error) {
      if (error instanceof ProviderRejectedError)
        return { kind: 'rejected', error: describe(error) };
      if (error instanceof ProviderUnavailableError)
        return { kind: 'unavailable', error: describe(error) };
      throw error;
    }
  }

  /**
   * Fail a pending payment, announced as payment.failed (a subscription charge's as
   * payment.billing_charge_failed: billing starts dunning): the order compensates (its stock is
   * released, it is cancelled), the customer is told the payment was not accepted, integrators
   * get a payment.failed webhook. Not when it fails because its order was cancelled
   * (ORDER_CANCELLED, never charged): the order is cancelled already — that cancellation is
   * what is being recorded — and the customer is told of it once, by order.cancelled; a
   * payment.failed would only tell them a payment was declined that never was, and integrators
   * the same. The payment is closed (failed, `order_cancelled`) without an event.
   */
  async fail(tx: Tx, payment: Payment, reason: string, detail?: string): Promise<void> {
    const failed = await tx.payment.update({
      where: { id: payment.id },
      data: { status: 'failed', failureReason: reason, lastProviderError: detail ?? null },
    });
    if (reason !== ORDER_CANCELLED) await enqueueEvent(tx, chargeFailed(failed, reason));
  }

  /**
   * Fail a payment only if it is still pending with the charge id the caller decided on: none
   * (the provider was never reached, or the order is cancelled), or the one the provider says
   * it does not know. First the order's charge lock (as `charge` takes it; already held when
   * called from there): a charge request in flight on another replica has no charge id recorded
   * yet, and the payment's lock alone would let it be failed under that request — the order
   * compensates, then the charge succeeds and is refunded. While one is in flight this waits,
   * then gives up with the lock's timeout (transient) — or, `ifFree`, does not wait: false.
   * Then, under the payment's lock, a charge id recorded since (the answer, a webhook) means
   * the provider holds a charge for it: that payment is never failed. True when failed.
   */
  async failStillPending(
    tx: Tx,
    seen: Pick<Payment, 'id' | 'orderId' | 'providerChargeId'>,
    reason: string,
    detail?: string,
    options: OrderLockOptions = {},
  ): Promise<boolean> {
    if (!(await this.lockCharges(tx, seen, options))) return false;
    const locked = await lockPayment(tx, { id: seen.id });
    if (locked?.status !== 'pending' || locked.providerChargeId !== seen.providerChargeId)
      return false;
    await this.fail(tx, locked, reason, detail);
    return true;
  }

  /**
   * The payment's charge lock in `tx` (its order's, or its own for a subscription charge:
   * chargeLockOf): waited for, or only if free (false when it is not).
   */
  private async lockCharges(
    tx: Tx,
    payment: ChargeTarget,
    options: OrderLockOptions,
  ): Promise<boolean> {
    const name = chargeLockOf(payment);
    if (options.ifFree) return tryLockCharges(tx, name);
    await lockCharges(tx, name, ORDER_CHARGE_LOCK_WAIT_MS);
    return true;
  }

  /** Apply a snapshot of a charge (webhook, reconciliation) to its payment. */
  async applySnapshot(paymentId: string, charge: ProviderCharge): Promise<ApplyResult> {
    const result = await this.db.$transaction((tx) => applyProviderCharge(tx, paymentId, charge));
    await this.afterApply(result);
    return result;
  }

  /** Fetch a charge from the provider and apply it. */
  async refresh(payment: Payment): Promise<ApplyResult | null> {
    if (!payment.providerChargeId) return null;
    const charge = await this.provider.getCharge(payment.providerChargeId, {
      signal: this.signal(),
    });
    return this.applySnapshot(payment.id, charge);
  }

  /**
   * The order of a payment waiting for its customer (requires_action) was cancelled: cancel the
   * PaymentIntent at the provider so the customer can no longer complete it, and apply what the
   * provider then says (failed, order_cancelled, announcing nothing). If the customer completed
   * it first, the provider refuses the cancellation and the payment is read instead: it
   * succeeded, and its order's cancellation refunds it.
   */
  async cancelAtProvider(paymentId: string): Promise<void> {
    const payment = await this.db.payment.findUnique({ where: { id: paymentId } });
    if (payment?.status !== 'requires_action' || !payment.providerChargeId) return;
    try {
      const charge = await this.provider.cancelCharge(payment.providerChargeId, {
        signal: this.signal(),
      });
      await this.applySnapshot(payment.id, charge);
    } catch (error) {
      if (!(error instanceof ProviderRejectedError)) throw error;
      await this.refresh(payment);
    }
  }

  /**
   * Send a pending refund to the provider (its id is the idempotency key) and apply the charge
   * as the provider then reports it. Provider trouble leaves it pending for the watchdog; a
   * refusal marks it failed.
   */
  async executeRefund(refundId: string): Promise<void> {
    const refund = await this.db.paymentRefund.findUnique({
      where: { id: refundId },
      include: { payment: true },
    });
    if (refund?.status !== 'pending' || !refund.payment.providerChargeId) return;
    try {
      await this.provider.createRefund(
        {
          chargeId: refund.payment.providerChargeId,
          idempotencyKey: refund.id,
          amountMinor: refund.amountMinor,
          metadata: { refund_id: refund.id, payment_id: refund.paymentId, reason: refund.reason },
        },
        { signal: this.signal() },
      );
      await this.refresh(refund.payment);
    } catch (error) {
      const rejected = error instanceof ProviderRejectedError;
      if (rejected) {
        // Refused for good (not a "come back later"): the customer is owed money; a person acts.
        refundsFailed.inc({ reason: refund.reason });
        this.log.error(
          { refundId, paymentId: refund.paymentId, error: describe(error) },
          'provider refused the refund; it needs a person (docs/operations.md)',
        );
      } else {
        this.log.warn({ refundId, error: describe(error) }, 'refund not sent yet');
      }
      await this.db.paymentRefund.updateMany({
        where: { id: refundId, status: 'pending' },
        data: { lastProviderError: describe(error), ...(rejected ? { status: 'failed' } : {}) },
      });
      if (!rejected && !(error instanceof ProviderUnavailableError)) throw error;
    }
  }

  async executePendingRefunds(where: { orderId: string }): Promise<void> {
    const refunds = await this.db.paymentRefund.findMany({
      where: { status: 'pending', payment: { orderId: where.orderId } },
      select: { id: true },
    });
    for (const r of refunds) await this.executeRefund(r.id);
  }

  private async afterApply(result: ApplyResult): Promise<void> {
    this.committed();
    for (const id of result.refundsToExecute) await this.executeRefund(id);
  }
}
