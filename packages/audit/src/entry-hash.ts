import { createHash } from 'node:crypto';
import canonicalize from 'canonicalize';
import type { StoredAuditEvent } from './audit-event.js';

/** What a stream's first entry follows: no entry at all. */
export const GENESIS_HASH = '0'.repeat(64);

/** Names the format, so a later change of what is hashed cannot be mistaken for this one. */
const FORMAT = 'switchyard-audit-v1';

export type HashedFields = Omit<StoredAuditEvent, 'hash'>;

/**
 * The hash of an entry: SHA-256 over the format's name and the entry's fields as RFC 8785
 * canonical JSON (keys sorted, one spelling per number and string), so the same fields hash
 * alike whatever order or spacing they were read in. It covers the entry's place (stream, seq)
 * and the hash of the entry before it (prevHash): changing, removing or moving an entry breaks
 * every link after it.
 */
export function entryHash(fields: HashedFields): string {
  const canonical = canonicalize({
    id: fields.id,
    stream: fields.stream,
    seq: fields.seq,
    occurredAt: fields.occurredAt,
    actor: fields.actor,
    action: fields.action,
    target: fields.target,
    changes: fields.changes,
    details: fields.details,
    ip: fields.ip,
    userAgent: fields.userAgent,
    requestId: fields.requestId,
    traceId: fields.traceId,
    prevHash: fields.prevHash,
  });
  return createHash('sha256').update(`${FORMAT}\n${canonical}`).digest('hex');
}
