import type { Prisma } from '../generated/prisma/client.js';

type Tx = Prisma.TransactionClient;

/**
 * How long a charge request or a cancellation waits for the other to let go of an order before
 * its work is retried (PostgreSQL's lock_timeout error counts as transient). Under Prisma's
 * 5 s default for an interactive transaction, which the inbox transaction of order.cancelled is.
 */
export const ORDER_CHARGE_LOCK_WAIT_MS = 3_000;

/**
 * The order's charge lock, taken in `tx` until it commits or rolls back (or its connection
 * dies with its process). Whoever sends a charge request for the order holds it from the check
 * that the order is not cancelled until the provider's answer is recorded; order.cancelled takes
 * it before it records the cancellation. So a cancellation waits for a charge request in flight,
 * and a charge request after it sees the cancellation: no charge request is sent after the
 * payment service recorded its order's cancellation. What the lock cannot cover is a request in
 * doubt: one that timed out (or was abandoned at shutdown) is recorded as `unavailable` and the
 * lock let go, while the provider may still make the charge afterwards — after a cancellation
 * recorded meanwhile. That charge is refunded once we learn of it (its webhook, or
 * reconciliation; ensureCancellationRefund). The lock also lives only as long as its
 * connection: a database restart mid-call drops it while the provider call goes on. Keyed on the
 * order id, not the payment row, because the cancellation may come before the payment row exists.
 */
export function lockOrderCharges(tx: Tx, orderId: string, waitMs: number): Promise<void> {
  return lockCharges(tx, `order-charges:${orderId}`, waitMs);
}

/**
 * Whose charge lock a payment is charged under: its order's (see above), or — a subscription
 * charge, which has no order and nothing that cancels it — its own. That one still keeps the
 * watchdog from charging (or giving up on) a payment whose charge request is in flight on
 * another replica: failed under a request that then succeeds, billing would hear "failed", then
 * "succeeded".
 */
export const chargeLockOf = (payment: { id: string; orderId: string | null }) =>
  payment.orderId === null ? `payment-charges:${payment.id}` : `order-charges:${payment.orderId}`;

/** Take the charge lock `name` in `tx`, waiting at most `waitMs` (then lock_timeout: transient). */
export async function lockCharges(tx: Tx, name: string, waitMs: number): Promise<void> {
  // One round trip: the subquery (volatile, so never flattened) sets the transaction's
  // lock_timeout before the outer query waits for the lock.
  await tx.$queryRaw`SELECT pg_advisory_xact_lock(hashtextextended(${name}, 0))::text
                       FROM (SELECT set_config('lock_timeout', ${`${waitMs}ms`}, true)) AS timeout`;
}

/**
 * The same lock, only if it is free now: false while someone holds it (a charge request for the
 * order in flight, or its cancellation being recorded). For the watchdog, which has no reason
 * to wait for work that is under way.
 */
export async function tryLockCharges(tx: Tx, name: string): Promise<boolean> {
  const [row] = await tx.$queryRaw<{ locked: boolean }[]>`SELECT pg_try_advisory_xact_lock(
                       hashtextextended(${name}, 0)) AS locked`;
  return row?.locked === true;
}
