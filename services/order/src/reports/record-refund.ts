import type { EventEnvelope } from '@switchyard/contracts';
import type { Prisma } from '../generated/prisma/client.js';

/**
 * Keep one dated row per refund (the payment service's refund id), for the sales report: the
 * order itself only keeps the running total. A redelivery, or a refund whose running total was
 * overtaken by a later one, still lands here once. Dated by the event's time, when payment
 * recorded the refund, not by when this consumer got to it.
 */
export async function recordRefundForReports(
  tx: Prisma.TransactionClient,
  event: EventEnvelope<'payment.refunded'>,
): Promise<void> {
  const { refundId, orderId, amount } = event.data;
  await tx.$executeRaw`
    INSERT INTO order_refunds (refund_id, order_id, amount_minor, currency, refunded_at)
    VALUES (${refundId}::uuid, ${orderId}::uuid, ${amount.amount}, ${amount.currency},
            ${new Date(event.time)})
    ON CONFLICT (refund_id) DO NOTHING`;
}
