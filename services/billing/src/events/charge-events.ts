import type { EventHandlers } from '@switchyard/messaging';
import type { BillingClock } from '../clock/billing-clock.js';
import type { DocumentIssuer } from '../documents/document-issuer.js';
import type { Prisma } from '../generated/prisma/client.js';
import { applyChargeFailed, applyChargeSucceeded } from '../subscriptions/apply-charge-result.js';

type Tx = Prisma.TransactionClient;

/**
 * The outcomes of the charges billing asked for: the subscription moves (activated, renewed,
 * recovered, past due, canceled) and every successful charge gets its invoice in the same
 * transaction; a refund of one gets its credit note.
 */
export function chargeHandlers(
  issuer: DocumentIssuer,
  clock: BillingClock,
  retryDays: number[],
): EventHandlers {
  return {
    'payment.billing_charge_succeeded': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const now = await clock.now();
        const charge = await applyChargeSucceeded(tx, event.data.chargeId, { now, retryDays });
        if (!charge) return;
        const sub = await tx.subscription.findUniqueOrThrow({
          where: { id: charge.subscriptionId },
          include: { plan: true },
        });
        await issuer.invoice(tx, {
          userId: sub.userId,
          sourceType: 'subscription',
          sourceId: charge.id,
          lines: [
            {
              description: charge.description,
              quantity: 1,
              unitAmountMinor: charge.amountMinor,
              taxCategory: sub.plan.taxCategory,
            },
          ],
          currency: charge.currency,
          paymentReference: event.data.providerChargeId,
          periodStart: charge.kind === 'period' ? charge.periodStart : null,
          periodEnd: charge.kind === 'period' ? charge.periodEnd : null,
          issuedAt: now,
        });
      },
    },
    'payment.billing_charge_failed': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        await applyChargeFailed(tx, event.data.chargeId, event.data.reason, {
          now: await clock.now(),
          retryDays,
        });
      },
    },
    'payment.billing_charge_refunded': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { chargeId, userId, refundId, refunded, reason, paymentId } = event.data;
        await issuer.creditNote(tx, {
          userId,
          refundId,
          invoiceSourceType: 'subscription',
          invoiceSourceId: chargeId,
          amountMinor: refunded.amount,
          currency: refunded.currency,
          reason,
          paymentReference: paymentId,
          issuedAt: await clock.now(),
        });
      },
    },
  };
}
