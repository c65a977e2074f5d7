import { Prisma, type PaymentRefund } from '../generated/prisma/client.js';

/**
 * A payment's columns as the ORM's model names them, for raw SQL over `payments p` that must
 * return a whole Payment (lockPayment, the charge transaction) in one round trip.
 */
export const PAYMENT_COLUMNS = `p.id::text AS "id", p.purpose,
  p.order_id::text AS "orderId", p.subscription_id::text AS "subscriptionId", p.description,
  p.user_id::text AS "userId", p.amount_minor AS "amountMinor", p.currency,
  p.payment_method AS "paymentMethod", p.status, p.action_url AS "actionUrl",
  p.action_client_secret AS "actionClientSecret", p.provider_charge_id AS "providerChargeId",
  p.failure_reason AS "failureReason", p.amount_refunded_minor AS "amountRefundedMinor",
  p.order_cancelled AS "orderCancelled", p.provider_attempts AS "providerAttempts",
  p.last_provider_error AS "lastProviderError", p.watchdog_failures AS "watchdogFailures",
  p.watchdog_next_at AS "watchdogNextAt", p.created_at AS "createdAt",
  p.updated_at AS "updatedAt"`;

/** PAYMENT_COLUMNS for Prisma's tagged raw queries. */
export const paymentColumns = Prisma.raw(PAYMENT_COLUMNS);

/** The payment's refunds as one JSON array (camelCase keys), for `refundsOfJson`. */
export const refundsJson = Prisma.sql`COALESCE((
  SELECT json_agg(json_build_object(
           'id', r.id, 'paymentId', r.payment_id, 'amountMinor', r.amount_minor,
           'status', r.status, 'reason', r.reason, 'requestedBy', r.requested_by,
           'idempotencyKey', r.idempotency_key, 'providerRefundId', r.provider_refund_id,
           'lastProviderError', r.last_provider_error, 'watchdogFailures', r.watchdog_failures,
           'watchdogNextAt', r.watchdog_next_at, 'createdAt', r.created_at,
           'updatedAt', r.updated_at) ORDER BY r.created_at, r.id)
    FROM payment_refunds r WHERE r.payment_id = p.id), '[]'::json)`;

export type RefundJson = Omit<PaymentRefund, 'watchdogNextAt' | 'createdAt' | 'updatedAt'> & {
  watchdogNextAt: string | null;
  createdAt: string;
  updatedAt: string;
};

/** Refunds read with `refundsJson`, their timestamps as Dates again. */
export function refundsOfJson(rows: RefundJson[]): PaymentRefund[] {
  return rows.map((r) => ({
    ...r,
    watchdogNextAt: r.watchdogNextAt === null ? null : new Date(r.watchdogNextAt),
    createdAt: new Date(r.createdAt),
    updatedAt: new Date(r.updatedAt),
  }));
}
