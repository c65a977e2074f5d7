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
 */
export class OutboxPublisher {
  private readonly log: Logger;

  constructor(private readonly options: OutboxPublisherOptions) {
    this.log = options.logger;
  }

  /**
   * Publish the next batch; returns how many rows were published (0 when nothing is pending
   * or the first row was refused). A pass that returns `batchSize` may have left rows behind.
   */
  async publishBatch(): Promise<number> {
    const rows = await this.options.db.$queryRawUnsafe<OutboxRow[]>(
      `SELECT id::text, topic, message_key, headers, payload,
              (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
         FROM outbox_events
        WHERE published_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT $1`,
      this.options.batchSize,
    );
    if (rows.length === 0) return 0;
    try {
      await this.send(rows);
      await this.markPublished(rows);
      return rows.length;
    } catch (error) {
      if (isTransientError(error)) throw error;
      if (rows.length === 1) {
        await this.recordRejection(new RowRejected(rows[0]!.id, error));
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
          await this.recordRejection(new RowRejected(row.id, error));
          return 0;
        }
        sent.push(row);
      }
    } finally {
      if (sent.length > 0) await this.markPublished(sent);
    }
    return sent.length;
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
  private async markPublished(rows: OutboxRow[]): Promise<void> {
    const ids = rows.map((r) => r.id);
    await this.options.db.$executeRawUnsafe(
      this.options.deleteOnPublish
        ? `DELETE FROM outbox_events WHERE id = ANY($1::uuid[])`
        : `UPDATE outbox_events SET published_at = now()
            WHERE id = ANY($1::uuid[]) AND published_at IS NULL`,
      ids,
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
  private async recordRejection(rejected: RowRejected): Promise<void> {
    const maxAttempts = this.options.maxRowAttempts;
    const [row] = await this.options.db.$queryRawUnsafe<{ attempts: number; topic: string }[]>(
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
