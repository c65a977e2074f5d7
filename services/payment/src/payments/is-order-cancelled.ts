import type { Payment, Prisma } from '../generated/prisma/client.js';

/**
 * Is this payment's order cancelled? Its flag says so once order.cancelled found the payment;
 * the tombstone (order_cancellations) also when the cancellation was recorded before the
 * payment row existed. Either one counts.
 */
export async function isOrderCancelled(
  tx: Prisma.TransactionClient,
  payment: Pick<Payment, 'orderId' | 'orderCancelled'>,
): Promise<boolean> {
  if (payment.orderCancelled) return true;
  if (payment.orderId === null) return false; // a subscription charge: no order to cancel
  const tombstone = await tx.orderCancellation.findUnique({
    where: { orderId: payment.orderId },
    select: { orderId: true },
  });
  return tombstone !== null;
}
