import { entryHash } from './entry-hash.js';
import type { AuditDb, AuditSql } from './sql-client.js';
import { STORED_COLUMNS, toStoredEvent, type StoredRow } from './stored-rows.js';

/** The first link of a stream that does not hold, and why. */
export interface BrokenLink {
  /** Where the chain breaks: the entry's seq (or the missing entry's). */
  seq: string;
  /** The entry found there; null when it is missing. */
  id: string | null;
  problem: string;
}

export interface StreamVerification {
  stream: string;
  /** Where verification started: the last purged entry (0 and the genesis hash before any purge). */
  anchor: { seq: string; hash: string };
  /** The stream's last entry as its head row records it. */
  head: { seq: string; hash: string };
  /** Entries checked, from the anchor on. */
  checked: number;
  /** The first broken link; null when the whole stream holds. */
  broken: BrokenLink | null;
}

interface StreamRow {
  stream: string;
  anchor_seq: string | null;
  anchor_hash: string | null;
  head_seq: string | null;
  head_hash: string | null;
}

/**
 * Walk each stream (or the one named) from its anchor to its head, in seq order, and report
 * the first link that does not hold: an entry whose fields no longer give its hash (altered), a
 * seq missing (deleted), an entry that does not name the hash of the one before it (moved or
 * replaced), or a head the last entry does not reach (entries at the end deleted). Reads one
 * snapshot (REPEATABLE READ), so writers and the purge may run meanwhile.
 */
export async function verifyAuditChain(
  db: AuditDb,
  options: { stream?: string; batchSize?: number } = {},
): Promise<StreamVerification[]> {
  const batchSize = options.batchSize ?? 1000;
  return db.$transaction(
    async (tx: AuditSql) => {
      // Streams with a head row, and any with entries but none (a head row deleted).
      const streams = await tx.$queryRawUnsafe<StreamRow[]>(
        `SELECT s.stream, h.anchor_seq::text AS anchor_seq, h.anchor_hash,
                h.head_seq::text AS head_seq, h.head_hash
           FROM (SELECT stream FROM audit_streams UNION SELECT DISTINCT stream FROM audit_events) s
           LEFT JOIN audit_streams h ON h.stream = s.stream
          WHERE $1::text IS NULL OR s.stream = $1
          ORDER BY s.stream`,
        options.stream ?? null,
      );
      const results: StreamVerification[] = [];
      for (const stream of streams) results.push(await verifyStream(tx, stream, batchSize));
      return results;
    },
    // A long stream takes a while to walk; nothing is locked meanwhile.
    { isolationLevel: 'RepeatableRead', timeout: 3_600_000, maxWait: 10_000 },
  );
}

async function verifyStream(
  tx: AuditSql,
  row: StreamRow,
  batchSize: number,
): Promise<StreamVerification> {
  const anchor = { seq: row.anchor_seq ?? '0', hash: row.anchor_hash ?? '' };
  const head = { seq: row.head_seq ?? '0', hash: row.head_hash ?? '' };
  const result = (checked: number, broken: BrokenLink | null): StreamVerification => ({
    stream: row.stream,
    anchor,
    head,
    checked,
    broken,
  });
  if (row.head_seq === null) {
    return result(0, {
      seq: anchor.seq,
      id: null,
      problem: 'the stream has entries but no head row (audit_streams)',
    });
  }
  let expectedSeq = BigInt(anchor.seq) + 1n;
  let previousHash = anchor.hash;
  let checked = 0;
  for (;;) {
    const rows = await tx.$queryRawUnsafe<StoredRow[]>(
      `SELECT ${STORED_COLUMNS} FROM audit_events
        WHERE stream = $1 AND seq >= $2::bigint ORDER BY audit_events.seq LIMIT $3`,
      row.stream,
      expectedSeq.toString(),
      batchSize,
    );
    for (const stored of rows) {
      const entry = toStoredEvent(stored);
      const seq = entry.seq;
      if (BigInt(seq) !== expectedSeq) {
        return result(checked, {
          seq: expectedSeq.toString(),
          id: null,
          problem: `entry ${expectedSeq} is missing: the next one found is ${seq} (${entry.id})`,
        });
      }
      if (entry.prevHash !== previousHash) {
        return result(checked, {
          seq,
          id: entry.id,
          problem: `it does not follow entry ${expectedSeq - 1n}: its prev_hash is not that entry's hash (an entry moved, replaced or deleted)`,
        });
      }
      if (entryHash(entry) !== entry.hash) {
        return result(checked, {
          seq,
          id: entry.id,
          problem: 'its content was altered: its fields no longer give its hash',
        });
      }
      checked++;
      previousHash = entry.hash;
      expectedSeq++;
    }
    if (rows.length < batchSize) break;
  }
  const lastSeq = expectedSeq - 1n;
  if (lastSeq.toString() !== head.seq || previousHash !== head.hash) {
    return result(checked, {
      seq: expectedSeq.toString(),
      id: null,
      problem:
        BigInt(head.seq) > lastSeq
          ? `entries ${expectedSeq} to ${head.seq} are missing: the head is at ${head.seq}, the last entry at ${lastSeq}`
          : `the head (seq ${head.seq}) does not match the last entry (seq ${lastSeq})`,
    });
  }
  return result(checked, null);
}
