import { eventNameOfCeType } from '@switchyard/contracts';
import type { Producer } from 'kafkajs';
import { isTransientError } from '@switchyard/service-kit';
import type { Logger } from './logger.js';
import type { OutboxMetrics } from './outbox-metrics.js';
import type { SqlClient } from './sql-client.js';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
  /** When the row was written (ms since the epoch): the message's CreateTime timestamp. */
  created_ms: number;
}

/** An event as the relay published it: its name (`payment.succeeded`) and payload. */
export interface PublishedEvent {
  name: string;
  data: unknown;
}

export interface OutboxPublisherOptions {
  db: SqlClient;
  /** The relay's current producer (it is replaced after the broker refused a send). */
  producer: () => Producer;
  logger: Logger;
  metrics: OutboxMetrics;
  batchSize: number;
  maxRowAttempts: number;
  /** Delete a row once Kafka has it (insert + delete), instead of stamping `published_at`. */
  deleteOnPublish: boolean;
  topicNamespace: string;
  onPublished?: (event: PublishedEvent) => void;
  /**
   * Where to take a connection for a pass under a session advisory lock named `lockName`, so
   * one replica publishes at a time (no transaction is open; the lock is let go after the
   * mark). Without it, replicas may publish at once (order still holds; see below).
   */
  lockPool?: LockPool;
  lockName: string;
}

/** The slice of a node-postgres pool (pg.Pool) a pass under the publisher lock needs. */
export interface LockPool {
  connect(): Promise<{
    query(text: string, values?: unknown[]): Promise<{ rows: unknown[]; rowCount: number | null }>;
    release(destroy?: boolean): void;
    on(event: 'error', listener: (error: Error) => void): unknown;
    off(event: 'error', listener: (error: Error) => void): unknown;
  }>;
}

type LockClient = Awaited<ReturnType<LockPool['connect']>>;

/** The raw-SQL slice over one pooled connection. */
function sqlOver(client: LockClient): SqlClient {
  return {
    $queryRawUnsafe: async <T>(query: string, ...values: unknown[]) =>
      (await client.query(query, values)).rows as T,
    $executeRawUnsafe: async (query: string, ...values: unknown[]) =>
      (await client.query(query, values)).rowCount ?? 0,
  };
}

/**
 * A failure that is the row's own: Kafka will refuse it again whoever sends it (too large,
 * malformed; see isTransientError). Any other refusal is the broker's or the producer's.
 */
class RowRejected extends Error {
  override name = 'RowRejected';
  constructor(
    readonly rowId: string,
    readonly reason: unknown,
  ) {
    super(reason instanceof Error ? reason.message : String(reason));
  }
}

/**
 * Publishes one batch of outbox rows: read the oldest pending rows (one statement), send them
 * (no transaction or row lock is open meanwhile), then mark them published (one statement).
 *
 * Delivery and order, also with several replicas publishing from one outbox at once:
 * - A row is marked (deleted, or stamped) only after Kafka acknowledged it, so a crash or a
 *   database failure between the send and the mark sends it again; the consumers' inboxes
 *   absorb the duplicate (at least once).
 * - Every pass sends a prefix of the pending rows in `seq` order, and a row leaves the pending
 *   set only once Kafka has it. So when a pass sends an event, every earlier event of its key
 *   is in Kafka already or goes ahead of it in the same ordered send: a replica that reads
 *   while another is still sending sends the earlier rows again, never a later one alone.
 *   Two replicas can thus duplicate a batch (absorbed by the inboxes), but never reorder a key.
 * - With `lockPool`, a pass runs on one connection under a session advisory lock (taken with
 *   try: a replica that finds it held skips the pass and looks again shortly), so one replica
 *   publishes at a time and the duplicates above do not happen.
 */
export class OutboxPublisher {
  private readonly log: Logger;
  private lostLock = false;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.log = options.logger;
  }

  /**
   * Publish the next batch; returns how many rows were published (0 when nothing is pending
   * or the first row was refused). A pass that returns `batchSize` may have left rows behind.
   */
  async publishBatch(): Promise<number> {
    const pool = this.options.lockPool;
    if (!pool) return this.publishWith(this.options.db, null);
    const client = await pool.connect();
    const lock = { name: this.options.lockName, held: false };
    let clean = true;
    // A checked-out connection has no listener of the pool's: one the server ends meanwhile (a
    // restart, a terminated backend) would emit an unhandled 'error' and bring the process
    // down. Its query fails anyway and the pass with it; this keeps the event handled.
    const onError = (error: Error) => {
      clean = false;
      this.log.warn({ err: error }, 'outbox relay: its database connection ended during a pass');
    };
    client.on('error', onError);
    try {
      return await this.publishWith(sqlOver(client), lock);
    } finally {
      if (lock.held) {
        clean = await client.query('SELECT pg_advisory_unlock(hashtext($1))', [lock.name]).then(
          () => true,
          () => false,
        );
      }
      // A connection whose lock may still be held is closed (which lets the lock go).
      client.release(!clean);
      client.off('error', onError);
    }
  }

  /** Another replica was publishing at the last pass (look again soon); resets the flag. */
  takeLostLock(): boolean {
    const lost = this.lostLock;
    this.lostLock = false;
    return lost;
  }

  /**
   * One pass over `sql`. Under a lock (one connection), the read takes it (try, in the same
   * statement); it is let go after the mark has committed (publishBatch), so a replica that
   * takes it next reads the rows as marked.
   */
  private async publishWith(
    sql: SqlClient,
    lock: { name: string; held: boolean } | null,
  ): Promise<number> {
    const rows = await this.readPending(sql, lock);
    if (rows.length === 0) return 0;
    try {
      await this.send(rows);
      await this.markPublished(sql, rows);
      return rows.length;
    } catch (error) {
      if (isTransientError(error)) throw error;
      if (rows.length === 1) {
        await this.recordRejection(sql, new RowRejected(rows[0]!.id, error));
        return 0;
      }
    }
    // Refused for something other than the broker's health: one row at a time finds it.
    const sent: OutboxRow[] = [];
    try {
      for (const row of rows) {
        try {
          await this.send([row]);
        } catch (error) {
          if (isTransientError(error)) throw error;
          await this.recordRejection(sql, new RowRejected(row.id, error));
          return 0;
        }
        sent.push(row);
      }
    } finally {
      if (sent.length > 0) await this.markPublished(sql, sent);
    }
    return sent.length;
  }

  private async readPending(
    sql: SqlClient,
    lock: { name: string; held: boolean } | null,
  ): Promise<OutboxRow[]> {
    const pending = `SELECT id::text AS id, topic, message_key, headers, payload, seq,
              (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
         FROM outbox_events
        WHERE published_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT $1`;
    if (!lock) return sql.$queryRawUnsafe<OutboxRow[]>(pending, this.options.batchSize);
    const rows = await sql.$queryRawUnsafe<(Partial<OutboxRow> & { leader: boolean })[]>(
      `WITH l AS MATERIALIZED (SELECT pg_try_advisory_lock(hashtext($2)) AS leader)
       SELECT l.leader, o.id, o.topic, o.message_key, o.headers, o.payload, o.created_ms
         FROM l LEFT JOIN LATERAL (${pending.replace('WHERE', 'WHERE l.leader AND')}) o ON true
        ORDER BY o.seq`,
      this.options.batchSize,
      lock.name,
    );
    lock.held = rows[0]?.leader === true;
    if (!lock.held) this.lostLock = true;
    return rows.filter((r): r is OutboxRow & { leader: boolean } => r.id != null);
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) {
      const topicRows = byTopic.get(row.topic);
      if (topicRows) topicRows.push(row);
      else byTopic.set(row.topic, [row]);
    }
    await this.options.producer().sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicRows]) => ({
        topic: this.options.topicNamespace + topic,
        messages: topicRows.map((r) => ({
          key: r.message_key,
          value: r.payload,
          headers: r.headers,
          // CreateTime = when the row was written, so consumers can time the hop
          // (outbox write → handler) without a clock of their own in the message.
          timestamp: String(Math.round(r.created_ms)),
        })),
      })),
    });
  }

  /** One statement for the whole batch, after Kafka acknowledged it. */
  private async markPublished(sql: SqlClient, rows: OutboxRow[]): Promise<void> {
    const mark = this.options.deleteOnPublish
      ? `DELETE FROM outbox_events WHERE id = ANY($1::uuid[])`
      : `UPDATE outbox_events SET published_at = now()
          WHERE id = ANY($1::uuid[]) AND published_at IS NULL`;
    await sql.$executeRawUnsafe(
      mark,
      rows.map((r) => r.id),
    );
    for (const row of rows) this.options.metrics.published.inc({ topic: row.topic });
    if (this.options.onPublished) for (const row of rows) this.tellPublished(row);
  }

  private tellPublished(row: OutboxRow): void {
    const name = eventNameOfCeType(row.headers.ce_type ?? '');
    if (!name) return;
    try {
      this.options.onPublished!({ name, data: JSON.parse(row.payload) });
    } catch (error) {
      this.log.warn({ err: error }, 'business metrics hook failed');
    }
  }

  /**
   * Count a refusal against its row; park the row once it has been refused too often. Two
   * replicas refused at once count under the row's lock, and a parked row is counted no more.
   */
  private async recordRejection(sql: SqlClient, rejected: RowRejected): Promise<void> {
    const maxAttempts = this.options.maxRowAttempts;
    const [row] = await sql.$queryRawUnsafe<{ attempts: number; topic: string }[]>(
      `UPDATE outbox_events
          SET attempts = attempts + 1, last_error = $2,
              parked_at = CASE WHEN attempts + 1 >= $3 THEN now() END
        WHERE id = $1::uuid AND parked_at IS NULL
        RETURNING attempts, topic`,
      rejected.rowId,
      rejected.message.slice(0, 1000),
      maxAttempts,
    );
    if (!row) return;
    if (row.attempts >= maxAttempts) {
      this.options.metrics.parked.inc({ topic: row.topic });
      this.log.error(
        { outboxId: rejected.rowId, attempts: row.attempts, err: rejected.reason },
        'Kafka refuses this outbox row; parked it so the rows behind it flow (see docs/operations.md)',
      );
    } else {
      this.log.warn(
        { outboxId: rejected.rowId, attempts: row.attempts, err: rejected.reason },
        'Kafka refused an outbox row; will retry it',
      );
    }
  }
}
