import { randomUUID } from 'node:crypto';
import type { EventEnvelope } from '@switchyard/contracts';
import type { SelfRecordingHandler } from '@switchyard/messaging';
import type pg from 'pg';
import type { Db } from '../db.js';
import type { Payment } from '../generated/prisma/client.js';
import { chargesSkipped } from '../payments/payment-metrics.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { recordInbox, type InboxEntry } from '../sql/charge-statements.js';

/**
 * order.created → charge the order once. The payment is recorded first (committed before
 * anything is sent: its id is the provider's idempotency key), then charged through the
 * processor, which asks the provider and applies the answer — the same state machine the
 * provider's webhook for this charge goes through, in either order — so a redelivery or a crash
 * mid-way charges nothing twice.
 *
 * The event is recorded in the inbox by the charge transaction itself (SelfRecordingHandler):
 * a new order costs the payment insert and the charge transaction, nothing around them
 * (docs/decisions/0013). A redelivered event is found by the payment insert's own inbox check.
 *
 * An order whose cancellation was recorded first (a tombstone) gets no payment at all. The
 * charge itself holds the order's charge lock, which order.cancelled takes too: a cancellation
 * recorded between the tombstone check and the charge (on another replica, after a rebalance)
 * is seen under the lock and the payment fails (`order_cancelled`) unsent; one arriving while
 * the provider is being asked waits until its answer is recorded, then refunds it.
 */
export function chargeOrderHandler(
  db: Db,
  processor: PaymentProcessor,
): SelfRecordingHandler<'order.created'> {
  return {
    async applyOnce(event, { consumer }, signal) {
      const inbox = { consumer, eventId: event.id, eventType: event.name };
      const opened = await openPayment(db.pool, event.data, inbox);
      if (opened === 'applied') return false;
      if (opened?.status === 'pending') {
        await processor.charge(opened, { signal, inbox });
        return true;
      }
      if (!opened) chargesSkipped.inc({ reason: 'order_cancelled' });
      await recordInbox(db.pool, inbox); // nothing to charge: only the event is done
      return true;
    },
  };
}

type OpenedPayment = Pick<Payment, 'id' | 'orderId' | 'status'>;

const OPENED = `id::text, order_id::text AS "orderId", status`;

/**
 * The tombstone check, the inbox check and the insert, returning the row: one statement for a
 * new order. Not when the event is recorded already, nor when the order is cancelled.
 */
const OPEN_PAYMENT = `
  INSERT INTO payments (id, order_id, user_id, amount_minor, currency, payment_method, status,
                        updated_at)
  SELECT $1::uuid, $2::uuid, $3::uuid, $4::int, $5::text, $6::text, 'pending', now()
   WHERE NOT EXISTS (SELECT 1 FROM order_cancellations WHERE order_id = $2::uuid)
     AND NOT EXISTS (SELECT 1 FROM inbox_events WHERE consumer = $7::text AND event_id = $8::text)
  ON CONFLICT (order_id) DO NOTHING
  RETURNING ${OPENED}`;

/**
 * Why nothing was inserted, in a second statement (a redelivery, or a cancelled order): a row
 * another replica inserted meanwhile is not in the first statement's snapshot.
 */
const FIND_PAYMENT = `
  SELECT EXISTS (SELECT 1 FROM inbox_events WHERE consumer = $2::text AND event_id = $3::text)
           AS applied, p.id::text, p.order_id::text AS "orderId", p.status
    FROM (SELECT 1) AS one
    LEFT JOIN payments p ON p.order_id = $1::uuid
     AND NOT EXISTS (SELECT 1 FROM order_cancellations WHERE order_id = $1::uuid)`;

/**
 * The order's payment, created once — or null when the order's cancellation is already
 * recorded, or 'applied' when this event is. No lock needed here: the charge checks the
 * cancellation again under the order's charge lock.
 */
async function openPayment(
  pool: pg.Pool,
  order: EventEnvelope<'order.created'>['data'],
  inbox: InboxEntry,
): Promise<OpenedPayment | 'applied' | null> {
  const { rows: inserted } = await pool.query<OpenedPayment>({
    name: 'payment-open-order-payment',
    text: OPEN_PAYMENT,
    values: [
      randomUUID(),
      order.orderId,
      order.userId,
      order.total.amount,
      order.total.currency,
      order.paymentMethod,
      inbox.consumer,
      inbox.eventId,
    ],
  });
  if (inserted[0]) return inserted[0];
  const {
    rows: [found],
  } = await pool.query<Partial<OpenedPayment> & { applied: boolean }>({
    name: 'payment-find-order-payment',
    text: FIND_PAYMENT,
    values: [order.orderId, inbox.consumer, inbox.eventId],
  });
  if (found!.applied) return 'applied';
  return found!.id ? (found as OpenedPayment) : null;
}
