import { eventNameOfCeType } from '@switchyard/contracts';
import type { Kafka, Producer } from 'kafkajs';
import type client from 'prom-client';
import { abortableSleep } from './abortable-sleep.js';
import type { Logger } from './logger.js';
import { outboxMetrics, type OutboxMetrics } from './outbox-metrics.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import { isTransientError, kafkaProtocolErrorType } from '@switchyard/service-kit';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
  attempts: number;
  /** When the row was written (ms since the epoch): the message's CreateTime timestamp. */
  created_ms: number;
}

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  kafka: Kafka;
  logger: Logger;
  /** The service's name: one relay per service publishes at a time (see `publishBatch`). */
  service?: string;
  /** How often to look for new rows when idle (a commit nudges the relay at once). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** A row Kafka refuses this many times is parked (moved aside) so the rest can flow. */
  maxRowAttempts?: number;
  /** Published rows are deleted this long after publication. */
  retentionHours?: number;
  registry?: client.Registry;
  /** Prefix for every topic name, to isolate e.g. a test run on a shared broker. */
  topicNamespace?: string;
  /**
   * Told of each event once Kafka has it, for business metrics counted from committed events
   * (a crash between Kafka's ack and marking the row can tell it twice).
   */
  onPublished?: (event: PublishedEvent) => void;
}

/** An event as the relay published it: its name (`payment.succeeded`) and payload. */
export interface PublishedEvent {
  name: string;
  data: unknown;
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
 * Publishes outbox rows to Kafka in insertion order.
 *
 * - One publisher per service at a time: each batch runs in a transaction that first takes a
 *   transaction-scoped advisory lock named after the service, so with several replicas the
 *   rows of one aggregate still reach Kafka in the order they were written (a `SKIP LOCKED`
 *   race between replicas could publish a later event before an earlier one).
 * - A crash after the send but before the commit re-sends the batch; consumers' inboxes absorb
 *   the duplicates.
 * - A row Kafka refuses for its own sake (too large, malformed) is retried `maxRowAttempts`
 *   times, then parked (`parked_at`), logged and counted, instead of blocking every row behind
 *   it. Every other failure (the broker away, an ACL, the producer's id or sequence refused)
 *   parks nothing: the pass is retried after a pause, with a fresh producer when the broker
 *   refused the send, so no healthy row is moved aside and the order holds.
 * - Start-up never waits for the broker: the producer connects on the first pass and again
 *   after any failure.
 */
export class OutboxRelay {
  private producer: Producer;
  private readonly log: Logger;
  private readonly metrics: OutboxMetrics;
  private readonly lockName: string;
  private connected = false;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  /** A nudge came while a pass was running: that pass may have looked before the commit. */
  private nudgedWhileRunning = false;
  private stopped = true;
  /** The last pass found another replica publishing: look again soon, not after the poll. */
  private lostLock = false;
  private lastPrune = 0;
  private lastGauges = 0;

  constructor(private readonly options: OutboxRelayOptions) {
    this.producer = this.createProducer();
    this.log = options.logger.child({ component: 'outbox-relay' });
    this.metrics = outboxMetrics(options.registry);
    this.lockName = `outbox-relay:${options.service ?? 'default'}`;
  }

  private createProducer(): Producer {
    const producer = this.options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    producer.on(producer.events.DISCONNECT, () => {
      if (producer === this.producer) this.connected = false;
    });
    return producer;
  }

  /**
   * Replace the producer after the broker refused a send. The refusal may be about the
   * producer's own session (UNKNOWN_PRODUCER_ID, OUT_OF_ORDER_SEQUENCE_NUMBER,
   * INVALID_PRODUCER_EPOCH): kafkajs keeps its producer id and sequences across reconnects, so
   * the same producer would be refused for ever; a new one gets a new id from the broker.
   */
  private async renewProducer(): Promise<void> {
    const old = this.producer;
    this.producer = this.createProducer();
    this.connected = false;
    await old.disconnect().catch(() => {});
  }

  /** Begin relaying in the background; returns at once. */
  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  /** Ask for a publish pass soon (e.g. right after a commit that enqueued events). */
  nudge(): void {
    if (this.stopped) return;
    if (this.running) this.nudgedWhileRunning = true;
    else this.schedule(0);
  }

  /** Publish everything pending now; resolves when the outbox is empty or an error occurs. */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    await this.ensureConnected();
    while ((await this.publishBatch()) > 0) {
      /* keep going until the outbox is drained */
    }
  }

  /** Stop polling and publish what is pending, giving up after `flushTimeoutMs`. */
  async stop(flushTimeoutMs = 5_000): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    const gaveUp = new AbortController();
    try {
      await Promise.race([
        this.flush(),
        abortableSleep(flushTimeoutMs, gaveUp.signal).then(() => {
          throw new Error(`outbox not flushed within ${flushTimeoutMs} ms`);
        }),
      ]);
    } catch (error) {
      this.log.warn({ err: error }, 'could not flush the outbox on shutdown; rows stay pending');
    } finally {
      gaveUp.abort();
    }
    await this.producer.disconnect().catch(() => {});
  }

  private async ensureConnected(): Promise<void> {
    if (this.connected) return;
    await this.producer.connect();
    this.connected = true;
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.loop().finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    // The poll is the fallback (rows committed by another replica while this one's pass was
    // not looking, rows left by a crash); a commit here nudges the relay at once. Each pass
    // costs a few queries, so polling fast made the idle stack busy (docs/benchmarks.md).
    let delay = this.options.pollIntervalMs ?? 1_000;
    this.nudgedWhileRunning = false;
    this.lostLock = false;
    try {
      await this.ensureConnected();
      while (!this.stopped && (await this.publishBatch()) > 0) {
        /* drain */
      }
      if (Date.now() - this.lastGauges >= 5_000) {
        this.lastGauges = Date.now();
        await this.updateGauges();
      }
      await this.pruneIfDue();
    } catch (error) {
      const refusal = kafkaProtocolErrorType(error);
      if (refusal) {
        // Not the rows' fault (those are parked in publishBatch): nothing is parked, and the
        // order holds while the broker or its configuration is put right.
        this.log.error(
          { err: error, kafkaError: refusal },
          'Kafka refused the outbox batch; will retry with a fresh producer (nothing parked)',
        );
        await this.renewProducer();
      } else {
        this.log.error({ err: error }, 'outbox publish failed; will retry');
      }
      delay = 2_000;
    }
    // A commit announced during this pass gets a pass of its own now, not after the poll; a
    // pass that found another replica publishing looks again shortly (its rows may be ours).
    if (this.nudgedWhileRunning && delay !== 2_000) delay = 0;
    else if (this.lostLock && delay !== 2_000) delay = Math.min(delay, 50);
    if (!this.stopped) this.schedule(delay);
  }

  /**
   * Publish the next batch; returns how many rows were published (0 when nothing is pending,
   * another replica is publishing, or the first row was refused).
   */
  private async publishBatch(): Promise<number> {
    const limit = this.options.batchSize ?? 100;
    const refused: { row: RowRejected | null } = { row: null };
    const published = await this.options.db.$transaction(
      async (tx: TransactionalSqlClient) => {
        const [lock] = await tx.$queryRawUnsafe<{ leader: boolean }[]>(
          `SELECT pg_try_advisory_xact_lock(hashtext($1)) AS leader`,
          this.lockName,
        );
        if (!lock?.leader) {
          this.lostLock = true;
          return 0;
        }
        // No SKIP LOCKED: under the lock this is the only publisher, and waiting for a row that
        // something else holds keeps the order instead of jumping ahead of it.
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text, topic, message_key, headers, payload, attempts,
                  (extract(epoch FROM created_at) * 1000)::float8 AS created_ms
             FROM outbox_events
           WHERE published_at IS NULL AND parked_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE`,
          limit,
        );
        if (rows.length === 0) return 0;
        try {
          await this.send(rows);
          await this.markPublished(tx, rows);
          return rows.length;
        } catch (error) {
          if (isTransientError(error)) throw error;
          if (rows.length === 1) refused.row = new RowRejected(rows[0]!.id, error);
        }
        if (refused.row) {
          await this.recordRejection(tx, refused.row);
          return 0;
        }
        // Refused for something other than the broker's health: one row at a time finds it.
        let sent = 0;
        for (const row of rows) {
          try {
            await this.send([row]);
          } catch (error) {
            if (isTransientError(error)) throw error;
            refused.row = new RowRejected(row.id, error);
            await this.recordRejection(tx, refused.row);
            break;
          }
          await this.markPublished(tx, [row]);
          sent++;
        }
        return sent;
      },
      { timeout: 30_000 },
    );
    return refused.row ? 0 : published;
  }

  private async send(rows: OutboxRow[]): Promise<void> {
    const byTopic = new Map<string, OutboxRow[]>();
    for (const row of rows) byTopic.set(row.topic, [...(byTopic.get(row.topic) ?? []), row]);
    await this.producer.sendBatch({
      acks: -1,
      topicMessages: [...byTopic].map(([topic, topicRows]) => ({
        topic: (this.options.topicNamespace ?? '') + topic,
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

  private async markPublished(tx: SqlClient, rows: OutboxRow[]): Promise<void> {
    await tx.$executeRawUnsafe(
      `UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::uuid[])`,
      rows.map((r) => r.id),
    );
    for (const row of rows) this.metrics.published.inc({ topic: row.topic });
    if (this.options.onPublished) for (const row of rows) this.tellPublished(row);
  }

  private tellPublished(row: OutboxRow): void {
    const name = eventNameOfCeType(row.headers.ce_type ?? '');
    if (!name) return;
    try {
      this.options.onPublished!({ name, data: JSON.parse(row.payload) });
    } catch (error) {
      this.options.logger.warn({ err: error }, 'business metrics hook failed');
    }
  }

  /**
   * Count a refusal against its row (in the batch's transaction, so under the publisher lock);
   * park the row once it has been refused too often.
   */
  private async recordRejection(tx: SqlClient, rejected: RowRejected): Promise<void> {
    const maxAttempts = this.options.maxRowAttempts ?? 5;
    const [row] = await tx.$queryRawUnsafe<{ attempts: number; topic: string }[]>(
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
      this.metrics.parked.inc({ topic: row.topic });
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

  private async updateGauges(): Promise<void> {
    const [stats] = await this.options.db.$queryRawUnsafe<
      { oldest_seconds: number | null; parked: number }[]
    >(
      `SELECT EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL))::float8 AS oldest_seconds,
              count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked
         FROM outbox_events WHERE published_at IS NULL`,
    );
    this.metrics.oldestPendingAge.set(stats?.oldest_seconds ?? 0);
    this.metrics.parkedRows.set(stats?.parked ?? 0);
  }

  /** Delete rows published longer ago than the retention (they may carry personal data). */
  private async pruneIfDue(): Promise<void> {
    if (Date.now() - this.lastPrune < 60_000) return;
    this.lastPrune = Date.now();
    const hours = this.options.retentionHours ?? 24 * 7;
    await this.options.db.$executeRawUnsafe(
      `DELETE FROM outbox_events WHERE published_at < now() - make_interval(hours => $1)`,
      hours,
    );
  }
}
