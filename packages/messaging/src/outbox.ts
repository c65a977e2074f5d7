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
 * Record an event in the outbox inside the caller's transaction (`tx`), so it is published
 * if and only if the state change commits. The relay sends it to Kafka afterwards.
 */
export async function enqueueEvent(tx: SqlClient, event: EventEnvelope): Promise<void> {
  const wire = toWireMessage({ ...event, traceparent: event.traceparent ?? currentTraceparent() });
  writes++;
  await tx.$executeRawUnsafe(
    // clock_timestamp(), not now(): the moment of this write, not the transaction's start, so
    // the event-hop metric measures from (just before) the commit.
    `INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload, created_at)
     VALUES ($1::uuid, $2, $3, $4, $5::jsonb, $6, clock_timestamp())`,
    event.id,
    wire.topic,
    wire.key,
    event.name,
    JSON.stringify(wire.headers),
    wire.value,
  );
}
