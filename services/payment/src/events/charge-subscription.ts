import type { EventEnvelope } from '@switchyard/contracts';
import type { Logger, SelfRecordingHandler } from '@switchyard/messaging';
import type pg from 'pg';
import type { Db } from '../db.js';
import type { Payment } from '../generated/prisma/client.js';
import { chargesSkipped } from '../payments/payment-metrics.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { recordInbox, type InboxEntry } from '../sql/charge-statements.js';

type ChargeRequest = EventEnvelope<'billing.charge_requested'>['data'];

/**
 * billing.charge_requested → charge the subscription period once, off-session, on the card the
 * customer saved. The payment's id is billing's `chargeId` (derived from subscription, period
 * and attempt), so it is the provider's idempotency key: a redelivered or repeated request finds
 * the same payment and charges nothing twice. As for an order (charge-order.ts), the payment is
 * recorded first, then charged through the processor under its charge lock, whose transaction
 * records the event in the inbox; the answer — now, from the webhook, reconciliation or the watchdog — is announced as
 * payment.billing_charge_succeeded / failed, never as an order's payment.* event.
 */
export function chargeSubscriptionHandler(
  db: Db,
  processor: PaymentProcessor,
  log: Logger,
): SelfRecordingHandler<'billing.charge_requested'> {
  return {
    async applyOnce(event, { consumer }, signal) {
      const inbox = { consumer, eventId: event.id, eventType: event.name };
      const payment = await openSubscriptionPayment(db.pool, event.data, inbox, log);
      if (payment === 'applied') return false;
      if (payment?.status === 'pending') {
        await processor.charge(payment, { signal, inbox });
        return true;
      }
      await recordInbox(db.pool, inbox); // nothing to charge: only the event is done
      return true;
    },
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

/** Inserted unless the event is recorded already (a redelivery), returning the row. */
const OPEN_PAYMENT = `
  INSERT INTO payments (id, purpose, subscription_id, user_id, amount_minor, currency,
                        payment_method, description, status, updated_at)
  SELECT $1::uuid, 'subscription', $2::uuid, $3::uuid, $4::int, $5::text, $6::text, $7::text,
         'pending', now()
   WHERE NOT EXISTS (SELECT 1 FROM inbox_events WHERE consumer = $8::text AND event_id = $9::text)
  ON CONFLICT (id) DO NOTHING
  RETURNING ${openedColumns}`;

/** Why nothing was inserted: the event is recorded, or the payment exists (read as it is now). */
const FIND_PAYMENT = `
  SELECT EXISTS (SELECT 1 FROM inbox_events WHERE consumer = $2::text AND event_id = $3::text)
           AS applied, p.*
    FROM (SELECT 1) AS one
    LEFT JOIN (SELECT ${openedColumns} FROM payments WHERE id = $1::uuid) AS p ON true`;

/**
 * The charge's payment, created once (committed before anything is sent) — or 'applied' when
 * this event is recorded already. One that exists already is this request again — unless it
 * says something else (another subscription, user, amount or method under the same charge id):
 * billing's bug, logged and never charged.
 */
async function openSubscriptionPayment(
  pool: pg.Pool,
  request: ChargeRequest,
  inbox: InboxEntry,
  log: Logger,
): Promise<OpenedPayment | 'applied' | null> {
  const {
    rows: [inserted],
  } = await pool.query<OpenedPayment>({
    name: 'payment-open-subscription-payment',
    text: OPEN_PAYMENT,
    values: [
      request.chargeId,
      request.subscriptionId,
      request.userId,
      request.amount.amount,
      request.amount.currency,
      request.paymentMethod,
      request.description,
      inbox.consumer,
      inbox.eventId,
    ],
  });
  if (inserted) return inserted;
  const {
    rows: [found],
  } = await pool.query<Partial<OpenedPayment> & { applied: boolean }>({
    name: 'payment-find-subscription-payment',
    text: FIND_PAYMENT,
    values: [request.chargeId, inbox.consumer, inbox.eventId],
  });
  if (found!.applied) return 'applied';
  const existing = found!.id ? (found as OpenedPayment) : null;
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
