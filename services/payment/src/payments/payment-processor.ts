import { enqueueEvent, type Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Payment, Prisma } from '../generated/prisma/client.js';
import type { ProviderClient } from '../provider/provider-client.js';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type ProviderCharge,
} from '../provider/provider-types.js';
import { applyProviderCharge, type ApplyResult } from './apply-provider-charge.js';
import { lockPayment } from './lock-payment.js';
import { paymentFailed } from './payment-events.js';
import { refundsFailed } from './payment-metrics.js';

type Tx = Prisma.TransactionClient;

/** What asking the provider for a charge came to; never an exception. */
export type ChargeAttempt =
  | { kind: 'answered'; charge: ProviderCharge }
  | { kind: 'unavailable'; error: string }
  | { kind: 'rejected'; error: string };

const describe = (error: unknown) => (error instanceof Error ? error.message : String(error));

/**
 * Every conversation with the provider about a payment, each followed by applying what the
 * provider said through the one state machine (applyProviderCharge) in its own transaction.
 */
export class PaymentProcessor {
  constructor(
    private readonly db: Db,
    private readonly provider: ProviderClient,
    private readonly log: Logger,
    /** Called after a commit that wrote events: lets the outbox relay publish at once. */
    private readonly committed: () => void,
    /** Aborted at shutdown: every provider call in flight ends at once (nothing is lost). */
    private readonly shutdown: AbortSignal = new AbortController().signal,
  ) {}

  private signal(extra?: AbortSignal): AbortSignal {
    return extra ? AbortSignal.any([this.shutdown, extra]) : this.shutdown;
  }

  /** Ask for the charge; the payment id is the idempotency key, so asking again is safe. */
  async requestCharge(payment: Payment, signal?: AbortSignal): Promise<ChargeAttempt> {
    try {
      const charge = await this.provider.createCharge(
        {
          idempotencyKey: payment.id,
          amountMinor: payment.amountMinor,
          currency: payment.currency,
          paymentMethod: payment.paymentMethod,
          metadata: { payment_id: payment.id, order_id: payment.orderId },
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
   * Record a charge attempt in `tx`. An answer goes through the state machine; a provider that
   * stayed unreachable leaves the payment pending for the watchdog; a refusal (4xx, a redirect)
   * fails the payment, which compensates the order.
   */
  async recordChargeAttempt(
    tx: Tx,
    paymentId: string,
    attempt: ChargeAttempt,
  ): Promise<ApplyResult> {
    if (attempt.kind === 'answered') return applyProviderCharge(tx, paymentId, attempt.charge);
    const payment = await lockPayment(tx, { id: paymentId });
    if (!payment || payment.status !== 'pending') return { changed: false, refundsToExecute: [] };
    if (attempt.kind === 'unavailable') {
      this.log.warn(
        { paymentId, error: attempt.error },
        'payment provider unavailable; payment stays pending',
      );
      await tx.payment.update({
        where: { id: paymentId },
        data: { providerAttempts: { increment: 1 }, lastProviderError: attempt.error },
      });
      return { changed: false, refundsToExecute: [] };
    }
    this.log.error({ paymentId, error: attempt.error }, 'payment provider refused the charge');
    await this.fail(tx, payment, 'provider_error', attempt.error);
    return { changed: true, refundsToExecute: [] };
  }

  /** Fail a pending payment (the order compensates on payment.failed). */
  async fail(tx: Tx, payment: Payment, reason: string, detail?: string): Promise<void> {
    const failed = await tx.payment.update({
      where: { id: payment.id },
      data: { status: 'failed', failureReason: reason, lastProviderError: detail ?? null },
    });
    await enqueueEvent(tx, paymentFailed(failed, reason));
  }

  /** Charge (again) now and apply the outcome: the watchdog's retry. */
  async chargeAgain(payment: Payment): Promise<ChargeAttempt> {
    const attempt = await this.requestCharge(payment);
    const result = await this.db.$transaction((tx) =>
      this.recordChargeAttempt(tx, payment.id, attempt),
    );
    await this.afterApply(result);
    return attempt;
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
