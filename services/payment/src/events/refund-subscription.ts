import type { EventHandler, Logger } from '@switchyard/messaging';
import type { Prisma } from '../generated/prisma/client.js';
import { recordBillingRefund } from '../payments/billing-refunds.js';
import { billingRefundsRejected } from '../payments/payment-metrics.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';

/**
 * billing.refund_requested → a refund of that subscription charge, recorded in the inbox
 * transaction (recordBillingRefund) and sent to the provider after commit with billing's
 * refundId as the idempotency key; the provider's answer is applied by the state machine and
 * announced as payment.billing_charge_refunded. If this replica dies before sending, the
 * watchdog sends the pending refund later.
 *
 * A request that cannot be right (unknown or unpaid charge, more than is left, another
 * subscription's) is recorded in rejected_refund_requests, logged as an error and counted
 * (payment_billing_refunds_rejected_total{reason}) — never sent, never retried: the event is
 * done. The contracts have no event to tell billing; an operator acts on the alert.
 */
export function refundSubscriptionHandler(
  processor: PaymentProcessor,
  log: Logger,
): EventHandler<'billing.refund_requested'> {
  // Event ids whose transaction left a refund to send; forgotten when an attempt starts over.
  const refundsToSend = new Map<string, string>();
  return {
    async handle(event, sql) {
      const tx = sql as unknown as Prisma.TransactionClient;
      refundsToSend.delete(event.id);
      const outcome = await recordBillingRefund(tx, event.data);
      if (outcome.kind === 'pending') refundsToSend.set(event.id, outcome.refundId);
      if (outcome.kind !== 'rejected') return;
      if (!outcome.replayed) billingRefundsRejected.inc({ reason: outcome.reason });
      log.error(
        {
          refundId: event.data.refundId,
          chargeId: event.data.chargeId,
          subscriptionId: event.data.subscriptionId,
          reason: outcome.reason,
          detail: outcome.detail,
          replayed: outcome.replayed,
        },
        'billing asked for a refund that cannot be made; rejected without asking the provider (rejected_refund_requests)',
      );
    },
    afterCommit: async (event) => {
      const refundId = refundsToSend.get(event.id);
      refundsToSend.delete(event.id);
      if (refundId) await processor.executeRefund(refundId);
    },
  };
}
