import type { EventEnvelope } from '@switchyard/contracts';
import { OUTBOX_INSERT_COLUMNS, outboxRow } from '@switchyard/messaging';
import type pg from 'pg';
import type { Payment } from '../generated/prisma/client.js';
import { PAYMENT_COLUMNS } from '../payments/payment-row.js';

/**
 * The charge path's statements in plain SQL, prepared once per connection (named): every order
 * pays for them, and the ORM's work per statement was 28 % of the service's CPU
 * (docs/decisions/0013). The tables are the ones schema.prisma describes; the payment, charge
 * and webhook tests run against them and the schema-drift test keeps migrations and schema in
 * step.
 */

/** The inbox row of the event a charge completes (consumer group, event id and type). */
export interface InboxEntry {
  consumer: string;
  eventId: string;
  eventType: string;
}

/** A pooled connection, or the pool itself for a statement of its own. */
type Queryable = Pick<pg.ClientBase, 'query'>;

type Query = (client: Queryable, values: unknown[]) => Promise<pg.QueryResult>;

const prepared =
  (name: string, text: string): Query =>
  (client, values) =>
    client.query({ name, text, values });

/**
 * The charge lock (order-charge-lock.ts), waited for at most $2 (lock_timeout, transient), and
 * the event's inbox row ($3–$5, none when $4 is null) in the same round trip: the row commits
 * with the charge's outcome or not at all.
 */
const lockChargesQuery = prepared(
  'payment-charge-lock',
  `WITH inbox AS (
     INSERT INTO inbox_events (consumer, event_id, event_type)
     SELECT $3::text, $4::text, $5::text WHERE $4::text IS NOT NULL
     ON CONFLICT (consumer, event_id) DO NOTHING)
   SELECT pg_advisory_xact_lock(hashtextextended($1::text, 0))::text
     FROM (SELECT set_config('lock_timeout', $2::text, true)) AS timeout`,
);

export async function lockChargesRecordingInbox(
  client: Queryable,
  name: string,
  waitMs: number,
  inbox: InboxEntry | undefined,
): Promise<void> {
  await lockChargesQuery(client, [
    name,
    `${waitMs}ms`,
    inbox?.consumer ?? null,
    inbox?.eventId ?? null,
    inbox?.eventType ?? null,
  ]);
}

const tryLockChargesQuery = prepared(
  'payment-charge-try-lock',
  `SELECT pg_try_advisory_xact_lock(hashtextextended($1::text, 0)) AS locked`,
);

/** The charge lock only if it is free now (the watchdog's way). */
export async function tryLockChargesOn(client: Queryable, name: string): Promise<boolean> {
  const { rows } = await tryLockChargesQuery(client, [name]);
  return (rows[0] as { locked: boolean } | undefined)?.locked === true;
}

/** What the charge transaction reads once it holds the lock. */
export type ChargeRow = Payment & {
  /** Its order is cancelled: the payment's flag or the tombstone. */
  cancelled: boolean;
  /** Whose saved card the payment method is (null: nobody's). */
  savedBy: string | null;
  /** That customer at the provider. */
  savedCustomer: string | null;
};

/**
 * Read in a statement of its own after the lock, never with it: a statement that waited for the
 * lock would see the tombstone table as of its start, before the cancellation it waited for.
 */
const readForChargeQuery = prepared(
  'payment-charge-read',
  `SELECT ${PAYMENT_COLUMNS}, (p.order_cancelled OR EXISTS (
            SELECT 1 FROM order_cancellations c WHERE c.order_id = p.order_id)) AS cancelled,
          s.user_id::text AS "savedBy", c.provider_customer_id AS "savedCustomer"
     FROM payments p
     LEFT JOIN saved_payment_methods s ON s.id = p.payment_method
     LEFT JOIN provider_customers c ON c.user_id = s.user_id
    WHERE p.id = $1::uuid`,
);

export async function readForCharge(
  client: Queryable,
  paymentId: string,
): Promise<ChargeRow | null> {
  const { rows } = await readForChargeQuery(client, [paymentId]);
  return (rows[0] as ChargeRow | undefined) ?? null;
}

/** The outbox row's six values (outboxIfChanged's parameters), or six nulls for no event. */
const outboxValues = (event: EventEnvelope | null): unknown[] =>
  event ? outboxRow(event) : Array<null>(6).fill(null);

/**
 * Writes the event's outbox row, its six values from parameter $`first` on (none when the id is
 * null), only when the update `changed` changed the payment.
 */
const outboxIfChanged = (changed: string, first: number) => {
  const [id, topic, key, type, headers, payload] = [0, 1, 2, 3, 4, 5].map((i) => `$${first + i}`);
  return `INSERT INTO outbox_events (${OUTBOX_INSERT_COLUMNS})
   SELECT ${id}::uuid, ${topic}::text, ${key}::text, ${type}::text, ${headers}::jsonb,
          ${payload}::text, clock_timestamp()
     FROM ${changed} WHERE ${id}::uuid IS NOT NULL`;
};

/**
 * The provider's answer to a new charge request, applied to a payment still pending with no
 * charge recorded or this very charge (the webhook of an earlier state of it, e.g. `processing`,
 * came first), and its event, in one statement: the charge id, and the status the state machine
 * moves it to ($3: succeeded, failed with reason $4, requires_action with $5/$6; null: no status
 * change). A pending payment has no refunds, and under the charge lock its order's cancellation
 * cannot change, so this is all the state machine would do. 0 rows when the payment moved on
 * (settled or waiting for its customer by the webhook, or another charge recorded).
 */
const recordAnswerQuery = prepared(
  'payment-charge-record-answer',
  `WITH changed AS (
     UPDATE payments SET provider_charge_id = $2::text,
            status = COALESCE($3::text, status),
            failure_reason = CASE $3::text WHEN 'succeeded' THEN NULL
                                           WHEN 'failed' THEN $4::text ELSE failure_reason END,
            last_provider_error = CASE WHEN $3::text = 'succeeded' THEN NULL
                                       ELSE last_provider_error END,
            action_url = CASE WHEN $3::text IS NULL THEN action_url ELSE $5::text END,
            action_client_secret = CASE WHEN $3::text IS NULL THEN action_client_secret
                                        ELSE $6::text END,
            updated_at = now()
      WHERE id = $1::uuid AND status = 'pending'
        AND (provider_charge_id IS NULL OR provider_charge_id = $2::text)
     RETURNING id),
   event AS (${outboxIfChanged('changed', 7)})
   SELECT count(*)::int AS changed FROM changed`,
);

export type AnsweredStatus =
  | { to: 'succeeded' }
  | { to: 'failed'; reason: string }
  | { to: 'requires_action'; url: string | null; clientSecret: string | null };

/** True when the payment was still pending: the answer and its event written. */
export async function recordAnswer(
  client: Queryable,
  paymentId: string,
  chargeId: string,
  status: AnsweredStatus | undefined,
  event: EventEnvelope | null,
): Promise<boolean> {
  const { rows } = await recordAnswerQuery(client, [
    paymentId,
    chargeId,
    status?.to ?? null,
    status?.to === 'failed' ? status.reason : null,
    status?.to === 'requires_action' ? status.url : null,
    status?.to === 'requires_action' ? status.clientSecret : null,
    ...outboxValues(event),
  ]);
  return (rows[0] as { changed: number }).changed === 1;
}

/**
 * Fail a payment still pending with no charge recorded (reason $2, detail $3) and write its
 * event ($4–$9; none for ORDER_CANCELLED) in one statement. 0 rows when it moved on meanwhile:
 * a payment the provider holds a charge for is never failed (as failStillPending).
 */
const failPendingQuery = prepared(
  'payment-charge-fail-pending',
  `WITH changed AS (
     UPDATE payments SET status = 'failed', failure_reason = $2::text,
            last_provider_error = $3::text, updated_at = now()
      WHERE id = $1::uuid AND status = 'pending' AND provider_charge_id IS NULL
     RETURNING id),
   event AS (${outboxIfChanged('changed', 4)})
   SELECT count(*)::int AS changed FROM changed`,
);

export async function failPending(
  client: Queryable,
  paymentId: string,
  reason: string,
  detail: string | null,
  event: EventEnvelope | null,
): Promise<boolean> {
  const { rows } = await failPendingQuery(client, [
    paymentId,
    reason,
    detail,
    ...outboxValues(event),
  ]);
  return (rows[0] as { changed: number }).changed === 1;
}

const recordUnavailableQuery = prepared(
  'payment-charge-record-unavailable',
  `UPDATE payments SET provider_attempts = provider_attempts + 1, last_provider_error = $2::text,
          updated_at = now()
    WHERE id = $1::uuid AND status = 'pending'`,
);

/** The provider stayed unreachable: counted on a payment still pending, for the watchdog. */
export async function recordUnavailable(
  client: Queryable,
  paymentId: string,
  error: string,
): Promise<void> {
  await recordUnavailableQuery(client, [paymentId, error]);
}

const recordInboxQuery = prepared(
  'payment-inbox-record',
  `INSERT INTO inbox_events (consumer, event_id, event_type) VALUES ($1, $2, $3)
   ON CONFLICT (consumer, event_id) DO NOTHING`,
);

/** An event whose work needed no charge transaction, marked done (one statement). */
export async function recordInbox(client: Queryable, inbox: InboxEntry): Promise<void> {
  await recordInboxQuery(client, [inbox.consumer, inbox.eventId, inbox.eventType]);
}
