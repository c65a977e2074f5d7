import { toWireMessage, type EventEnvelope } from '@switchyard/contracts';
import type { SqlClient } from './sql-client.js';
import { currentTraceparent } from './trace-context.js';

let writes = 0;

/**
 * How many events this process has written to an outbox so far (committed or not). Take it
 * before a transaction and pass it to `OutboxRelay.nudge(since)` after the commit: the relay
 * is then woken only when the transaction (or anything else meanwhile) wrote an event.
 */
export function outboxWrites(): number {
  return writes;
}

/**
 * The outbox's columns in the order `outboxRow` gives their values, for a service that writes
 * its outbox row inside a statement of its own (a plain-SQL hot path):
 * `INSERT INTO outbox_events (${OUTBOX_INSERT_COLUMNS}) VALUES ($1::uuid, $2, $3, $4, $5::jsonb,
 * $6, clock_timestamp())`. clock_timestamp(), not now(): the moment of this write, not the
 * transaction's start, so the event-hop metric measures from (just before) the commit.
 */
export const OUTBOX_INSERT_COLUMNS =
  'id, topic, message_key, event_type, headers, payload, created_at';

/**
 * An event as the outbox row's first six values (id, topic, key, type, headers as JSON, payload),
 * with the current trace when the event carries none. Counted as written (outboxWrites): pass
 * the values to a statement that inserts them.
 */
export function outboxRow(
  event: EventEnvelope,
): [id: string, topic: string, key: string, type: string, headers: string, payload: string] {
  const wire = toWireMessage({ ...event, traceparent: event.traceparent ?? currentTraceparent() });
  writes++;
  return [event.id, wire.topic, wire.key, event.name, JSON.stringify(wire.headers), wire.value];
}

/**
 * Record an event in the outbox inside the caller's transaction (`tx`), so it is published
 * if and only if the state change commits. The relay sends it to Kafka afterwards.
 */
export async function enqueueEvent(tx: SqlClient, event: EventEnvelope): Promise<void> {
  await tx.$executeRawUnsafe(
    `INSERT INTO outbox_events (${OUTBOX_INSERT_COLUMNS})
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, clock_timestamp())`,
    ...outboxRow(event),
  );
}
