import type { EventEnvelope } from '@switchyard/contracts';
import type { EventHandler, Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Payment } from '../generated/prisma/client.js';
import { chargesSkipped } from '../payments/payment-metrics.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';

type ChargeRequest = EventEnvelope<'billing.charge_requested'>['data'];

/**
 * billing.charge_requested → charge the subscription period once, off-session, on the card the
 * customer saved. The payment's id is billing's `chargeId` (derived from subscription, period
 * and attempt), so it is the provider's idempotency key: a redelivered or repeated request finds
 * the same payment and charges nothing twice. As for an order, `prepare` (outside the inbox
 * transaction) records the payment, then charges it through the processor under its charge
 * lock; the answer — now, from the webhook, reconciliation or the watchdog — is announced as
 * payment.billing_charge_succeeded / failed, never as an order's payment.* event.
 */
export function chargeSubscriptionHandler(
  db: Db,
  processor: PaymentProcessor,
  log: Logger,
): EventHandler<'billing.charge_requested', void> {
  return {
    async prepare(event, signal) {
      const payment = await openSubscriptionPayment(db, event.data, log);
      if (payment?.status === 'pending') await processor.charge(payment, { signal });
    },
    // Everything was recorded in prepare, under the lock; the inbox row marks the event done.
    async handle() {},
  };
}

type OpenedPayment = Pick<
  Payment,
  | 'id'
  | 'orderId'
  | 'status'
  | 'purpose'
  | 'subscriptionId'
  | 'userId'
  | 'amountMinor'
  | 'currency'
  | 'paymentMethod'
>;

const openedColumns = `id::text, order_id::text AS "orderId", status, purpose,
  subscription_id::text AS "subscriptionId", user_id::text AS "userId",
  amount_minor AS "amountMinor", currency, payment_method AS "paymentMethod"`;

/**
 * The charge's payment, created once (committed before anything is sent). One that exists
 * already is this request again — unless it says something else (another subscription, user,
 * amount or method under the same charge id): billing's bug, logged and never charged.
 */
async function openSubscriptionPayment(
  db: Db,
  request: ChargeRequest,
  log: Logger,
): Promise<OpenedPayment | null> {
  const [inserted] = await db.$queryRawUnsafe<OpenedPayment[]>(
    `INSERT INTO payments (id, purpose, subscription_id, user_id, amount_minor, currency,
                           payment_method, description, status, updated_at)
     VALUES ($1::uuid, 'subscription', $2::uuid, $3::uuid, $4::int, $5, $6, $7, 'pending', now())
     ON CONFLICT (id) DO NOTHING
     RETURNING ${openedColumns}`,
    request.chargeId,
    request.subscriptionId,
    request.userId,
    request.amount.amount,
    request.amount.currency,
    request.paymentMethod,
    request.description,
  );
  if (inserted) return inserted;
  const [existing] = await db.$queryRawUnsafe<OpenedPayment[]>(
    `SELECT ${openedColumns} FROM payments WHERE id = $1::uuid`,
    request.chargeId,
  );
  if (existing && sameCharge(existing, request)) return existing;
  chargesSkipped.inc({ reason: 'charge_id_conflict' });
  log.error(
    { chargeId: request.chargeId, subscriptionId: request.subscriptionId },
    'billing asked for a charge under an id that names a different payment; nothing charged',
  );
  return null;
}

const sameCharge = (p: OpenedPayment, r: ChargeRequest) =>
  p.purpose === 'subscription' &&
  p.subscriptionId === r.subscriptionId &&
  p.userId === r.userId &&
  p.amountMinor === r.amount.amount &&
  p.currency === r.amount.currency &&
  p.paymentMethod === r.paymentMethod;
