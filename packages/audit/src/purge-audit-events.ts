import type { AuditDb, AuditSql } from './sql-client.js';

// One purger per stream at a time (the key's second half is the stream's).
const PURGE_LOCK_CLASS = 41_337_018;

/**
 * Delete each stream's entries that occurred before `before`, oldest first, in batches of
 * `batchSize` (one short transaction each), and move the stream's anchor to the last one
 * deleted: its seq and hash, where verification then starts, so a purge never breaks the
 * chain. Only a prefix of the chain goes: it stops at the first entry that is not old enough
 * (clocks of two replicas may disagree a little; a later entry never goes before an earlier
 * one). Writers wait for a purge at most the length of one statement: the batch's last,
 * which deletes it and moves the anchor on the stream's row. Returns how many entries went.
 */
export async function purgeAuditEvents(
  db: AuditDb,
  options: { before: Date; batchSize?: number },
): Promise<number> {
  const batchSize = options.batchSize ?? 1000;
  const streams = await db.$queryRawUnsafe<{ stream: string }[]>(
    'SELECT stream FROM audit_streams ORDER BY stream',
  );
  let purged = 0;
  for (const { stream } of streams) {
    for (;;) {
      const deleted = await db.$transaction((tx: AuditSql) =>
        purgeBatch(tx, stream, options.before, batchSize),
      );
      purged += deleted;
      if (deleted < batchSize) break;
    }
  }
  return purged;
}

async function purgeBatch(
  tx: AuditSql,
  stream: string,
  before: Date,
  batchSize: number,
): Promise<number> {
  await tx.$executeRawUnsafe(
    'SELECT pg_advisory_xact_lock($1::int, hashtext($2))',
    PURGE_LOCK_CLASS,
    stream,
  );
  // The oldest entries after the anchor, in chain order; the batch ends before the first one
  // that is not old enough.
  const rows = await tx.$queryRawUnsafe<{ seq: string; hash: string; old: boolean }[]>(
    `SELECT e.seq::text AS seq, e.hash, e.occurred_at < $2::timestamptz AS old
       FROM audit_events e JOIN audit_streams s ON s.stream = e.stream
      WHERE e.stream = $1 AND e.seq > s.anchor_seq
      ORDER BY e.seq LIMIT $3`,
    stream,
    before.toISOString(),
    batchSize,
  );
  const firstKept = rows.findIndex((row) => !row.old);
  const doomed = firstKept === -1 ? rows : rows.slice(0, firstKept);
  const last = doomed.at(-1);
  if (!last) return 0;
  await tx.$executeRawUnsafe(
    `WITH gone AS (
       DELETE FROM audit_events WHERE stream = $1 AND seq <= $2::bigint
     )
     UPDATE audit_streams SET anchor_seq = $2::bigint, anchor_hash = $3, purged_at = now()
      WHERE stream = $1`,
    stream,
    last.seq,
    last.hash,
  );
  return doomed.length;
}

/** The periodic purge: entries older than `retentionDays` before `now` go. */
export function purgeExpiredAuditEvents(
  db: AuditDb,
  options: { retentionDays: number; now?: Date; batchSize?: number },
): Promise<number> {
  const now = options.now ?? new Date();
  return purgeAuditEvents(db, {
    before: new Date(now.getTime() - options.retentionDays * 86_400_000),
    ...(options.batchSize ? { batchSize: options.batchSize } : {}),
  });
}
