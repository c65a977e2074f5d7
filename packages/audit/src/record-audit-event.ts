import { randomUUID } from 'node:crypto';
import { isSpanContextValid, trace } from '@opentelemetry/api';
import type { AuditEntry } from './audit-event.js';
import { cleanJson, cleanString, cleanText } from './clean-values.js';
import { entryHash, GENESIS_HASH, type HashedFields } from './entry-hash.js';
import type { AuditSql } from './sql-client.js';

export interface RecordedAuditEvent {
  id: string;
  seq: string;
  hash: string;
}

/** The active OpenTelemetry trace's id, or null outside a sampled or unsampled trace. */
function activeTraceId(): string | null {
  const context = trace.getActiveSpan()?.spanContext();
  return context && isSpanContextValid(context) ? context.traceId : null;
}

/**
 * Record an action in the audit trail inside the caller's transaction (`tx`, which must be a
 * transaction: the head's lock lasts until its end): the entry commits with the action or not
 * at all. Call it last in the transaction: it locks the
 * stream's head row until the commit, so the stream's writers queue up there (one entry at a
 * time, never a fork of the chain) for as short a time as possible, and always after the
 * action's own locks (no deadlock between them). Run the transaction at READ COMMITTED (the
 * default). Two round trips: lock and read the head, then insert the entry and move the head.
 */
export async function recordAuditEvent(
  tx: AuditSql,
  entry: AuditEntry,
): Promise<RecordedAuditEvent> {
  // Created on a stream's first entry; a no-op update otherwise, which locks the row and
  // returns the head as the previous writer committed it.
  const [head] = await tx.$queryRawUnsafe<{ seq: string; hash: string }[]>(
    `INSERT INTO audit_streams (stream, head_seq, head_hash, anchor_seq, anchor_hash)
     VALUES ($1, 0, $2, 0, $2)
     ON CONFLICT (stream) DO UPDATE SET stream = EXCLUDED.stream
     RETURNING head_seq::text AS seq, head_hash AS hash`,
    entry.stream,
    GENESIS_HASH,
  );
  if (!head) throw new Error(`audit stream ${entry.stream} has no head`);
  const fields: HashedFields = {
    id: randomUUID(),
    stream: entry.stream,
    seq: (BigInt(head.seq) + 1n).toString(),
    // Taken under the lock: within a stream, time follows seq (as far as clocks agree).
    occurredAt: new Date().toISOString(),
    actor: { type: entry.actor.type, id: cleanText(entry.actor.id, 200) },
    action: cleanString(entry.action),
    target: entry.target
      ? { type: cleanString(entry.target.type), id: cleanString(entry.target.id) }
      : null,
    changes: cleanJson(entry.changes) as HashedFields['changes'],
    details: cleanJson(entry.details),
    ip: cleanText(entry.ip, 64),
    userAgent: cleanText(entry.userAgent, 512),
    requestId: cleanText(entry.requestId, 128),
    traceId: cleanText(entry.traceId === undefined ? activeTraceId() : entry.traceId, 64),
    prevHash: head.hash,
  };
  const hash = entryHash(fields);
  await tx.$executeRawUnsafe(
    `WITH entry AS (
       INSERT INTO audit_events (id, stream, seq, occurred_at, actor_type, actor_id, action,
         target_type, target_id, changes, details, ip, user_agent, request_id, trace_id,
         prev_hash, hash)
       VALUES ($1::uuid, $2, $3::bigint, $4::timestamptz, $5, $6, $7, $8, $9, $10::jsonb,
         $11::jsonb, $12, $13, $14, $15, $16, $17)
     )
     UPDATE audit_streams SET head_seq = $3::bigint, head_hash = $17 WHERE stream = $2`,
    fields.id,
    fields.stream,
    fields.seq,
    fields.occurredAt,
    fields.actor.type,
    fields.actor.id,
    fields.action,
    fields.target?.type ?? null,
    fields.target?.id ?? null,
    fields.changes ? JSON.stringify(fields.changes) : null,
    fields.details ? JSON.stringify(fields.details) : null,
    fields.ip,
    fields.userAgent,
    fields.requestId,
    fields.traceId,
    fields.prevHash,
    hash,
  );
  return { id: fields.id, seq: fields.seq, hash };
}
