import type { AuditActorType, StoredAuditEvent } from './audit-event.js';

/**
 * The columns of audit_events as the trail reads them: numbers and JSON as text, parsed here,
 * so every client (Prisma's, node-postgres) hands over the same values. (Their aliases hide
 * the columns: order by `audit_events.seq`, not `seq`, which would sort as text.)
 */
export const STORED_COLUMNS = `id::text AS id, stream, seq::text AS seq, occurred_at,
  actor_type, actor_id, action, target_type, target_id, changes::text AS changes,
  details::text AS details, ip, user_agent, request_id, trace_id, prev_hash, hash`;

export interface StoredRow {
  id: string;
  stream: string;
  seq: string;
  occurred_at: Date | string;
  actor_type: string;
  actor_id: string | null;
  action: string;
  target_type: string | null;
  target_id: string | null;
  changes: string | null;
  details: string | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
  trace_id: string | null;
  prev_hash: string;
  hash: string;
}

export function toStoredEvent(row: StoredRow): StoredAuditEvent {
  return {
    id: row.id,
    stream: row.stream,
    seq: row.seq,
    occurredAt: new Date(row.occurred_at).toISOString(),
    actor: { type: row.actor_type as AuditActorType, id: row.actor_id },
    action: row.action,
    target:
      row.target_type !== null || row.target_id !== null
        ? { type: row.target_type ?? '', id: row.target_id ?? '' }
        : null,
    changes: row.changes === null ? null : JSON.parse(row.changes),
    details: row.details === null ? null : JSON.parse(row.details),
    ip: row.ip,
    userAgent: row.user_agent,
    requestId: row.request_id,
    traceId: row.trace_id,
    prevHash: row.prev_hash,
    hash: row.hash,
  };
}
