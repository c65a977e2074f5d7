import type { EventHandlers } from '@switchyard/messaging';
import type { BillingClock } from '../clock/billing-clock.js';
import type { DocumentIssuer } from '../documents/document-issuer.js';
import type { LineInput } from '../documents/document-types.js';
import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/** Catalog products are taxed at the standard rate (the catalog has no tax categories yet). */
const ORDER_TAX_CATEGORY = 'standard';

interface SnapshotLine {
  name: string;
  quantity: number;
  unitPriceMinor: number;
}

/**
 * Every paid order gets an invoice. order.created's lines are kept until order.paid (same topic
 * and key, so in that order) issues the invoice from them, or order.cancelled forgets them; a
 * refund of the order (payment's topic) becomes a credit note against its invoice, or nothing
 * when the order was cancelled (never invoiced: a charge it did not keep, refunded in full).
 */
export function orderHandlers(issuer: DocumentIssuer, clock: BillingClock): EventHandlers {
  return {
    'order.created': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { orderId, userId, lines, total } = event.data;
        const snapshot: SnapshotLine[] = lines.map((line) => ({
          name: line.name,
          quantity: line.quantity,
          unitPriceMinor: line.unitPrice.amount,
        }));
        // One statement where the ORM's upsert made two (a read, then the insert): every order
        // pays for it. A snapshot kept already (a replay) stays as it was.
        await tx.$executeRawUnsafe(
          `INSERT INTO order_snapshots (order_id, user_id, lines, total_minor, currency)
           VALUES ($1::uuid, $2::uuid, $3::jsonb, $4::int, $5)
           ON CONFLICT (order_id) DO NOTHING`,
          orderId,
          userId,
          JSON.stringify(snapshot),
          total.amount,
          total.currency,
        );
      },
    },
    'order.paid': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { orderId, userId, paymentId, total } = event.data;
        const snapshot = await tx.orderSnapshot.findUnique({ where: { orderId } });
        const lines: LineInput[] = snapshot
          ? (snapshot.lines as unknown as SnapshotLine[]).map((line) => ({
              description: line.name,
              quantity: line.quantity,
              unitAmountMinor: line.unitPriceMinor,
              taxCategory: ORDER_TAX_CATEGORY,
            }))
          : // Its order.created was before billing's time (retention): the total as one line.
            [
              {
                description: `Order ${orderId}`,
                quantity: 1,
                unitAmountMinor: total.amount,
                taxCategory: ORDER_TAX_CATEGORY,
              },
            ];
        await issuer.invoice(tx, {
          userId,
          sourceType: 'order',
          sourceId: orderId,
          lines,
          currency: total.currency,
          paymentReference: paymentId,
          issuedAt: await clock.now(),
        });
      },
    },
    'order.cancelled': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { orderId } = event.data;
        await issuer.orderCancelled(tx, orderId);
        // Its lines were kept for an invoice that will never be issued.
        await tx.orderSnapshot.deleteMany({ where: { orderId } });
      },
    },
    'payment.refunded': {
      async handle(event, sql) {
        const tx = sql as unknown as Tx;
        const { orderId, userId, refundId, amount, reason, paymentId } = event.data;
        await issuer.creditNote(tx, {
          userId,
          refundId,
          invoiceSourceType: 'order',
          invoiceSourceId: orderId,
          amountMinor: amount.amount,
          currency: amount.currency,
          reason,
          paymentReference: paymentId,
          issuedAt: await clock.now(),
        });
      },
    },
  };
}
