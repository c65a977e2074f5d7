import { Prisma, type Payment } from '../generated/prisma/client.js';
import { paymentColumns, refundsJson, refundsOfJson, type RefundJson } from './payment-row.js';

type Tx = Prisma.TransactionClient;

/**
 * The per-payment lock: every change to a payment — the provider's immediate answer, a webhook,
 * reconciliation, a refund, the watchdog — first locks its row, so they apply one after the
 * other in whatever order they arrive, never interleaved. Returns the payment with its refunds
 * as locked, in two statements (the row lock and the ORM's reads were three); take it once per
 * transaction and pass the result on.
 *
 * The refunds must be read by a statement of their own, after the lock: a statement that waited
 * for the lock sees the payment row as the transaction it waited for left it, but every other
 * table as of its own start — refunds that transaction wrote would be missing, and counted again.
 */
export async function lockPayment(tx: Tx, where: { id: string } | { orderId: string }) {
  const match =
    'id' in where
      ? Prisma.sql`p.id = ${where.id}::uuid`
      : Prisma.sql`p.order_id = ${where.orderId}::uuid`;
  const [payment] = await tx.$queryRaw<Payment[]>`
    SELECT ${paymentColumns} FROM payments p WHERE ${match} FOR UPDATE`;
  if (!payment) return null;
  const [{ refunds }] = (await tx.$queryRaw<{ refunds: RefundJson[] }[]>`
    SELECT ${refundsJson} AS refunds FROM (SELECT ${payment.id}::uuid AS id) AS p`) as [
    { refunds: RefundJson[] },
  ];
  return { ...payment, refunds: refundsOfJson(refunds) };
}

export type LockedPayment = NonNullable<Awaited<ReturnType<typeof lockPayment>>>;
