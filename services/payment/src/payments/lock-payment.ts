import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * The per-payment lock: every change to a payment — the provider's immediate answer, a webhook,
 * reconciliation, a refund, the watchdog — first locks its row, so they apply one after the
 * other in whatever order they arrive, never interleaved.
 */
export async function lockPayment(tx: Tx, where: { id: string } | { orderId: string }) {
  const rows =
    'id' in where
      ? await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM payments WHERE id = ${where.id}::uuid FOR UPDATE`
      : await tx.$queryRaw<
          { id: string }[]
        >`SELECT id FROM payments WHERE order_id = ${where.orderId}::uuid FOR UPDATE`;
  if (rows.length === 0) return null;
  return tx.payment.findUniqueOrThrow({ where: { id: rows[0]!.id }, include: { refunds: true } });
}

export type LockedPayment = NonNullable<Awaited<ReturnType<typeof lockPayment>>>;
