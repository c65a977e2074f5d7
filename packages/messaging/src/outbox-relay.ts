import type { Kafka, Producer } from 'kafkajs';
import type { Logger } from './logger.js';
import client from 'prom-client';
import type { TransactionalSqlClient } from './sql-client.js';

interface OutboxRow {
  id: string;
  topic: string;
  message_key: string;
  headers: Record<string, string>;
  payload: string;
}

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  kafka: Kafka;
  logger: Logger;
  /** How often to look for new rows when idle. */
  pollIntervalMs?: number;
  batchSize?: number;
  registry?: client.Registry;
  /** Prefix for every topic name, to isolate e.g. a test run on a shared broker. */
  topicNamespace?: string;
}

/**
 * Publishes outbox rows to Kafka in insertion order. Rows are claimed with
 * FOR UPDATE SKIP LOCKED inside a transaction that stays open until Kafka acknowledges, so
 * several replicas can relay at once without sending a row twice in the normal case; a crash
 * after the send but before the commit re-sends it, which consumers' inboxes absorb.
 */
export class OutboxRelay {
  private readonly producer: Producer;
  private readonly log: Logger;
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;
  private readonly published: client.Counter;

  constructor(private readonly options: OutboxRelayOptions) {
    this.producer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.log = options.logger.child({ component: 'outbox-relay' });
    const registers = options.registry ? [options.registry] : [];
    this.published =
      (options.registry?.getSingleMetric('outbox_events_published_total') as
        client.Counter | undefined) ??
      new client.Counter({
        name: 'outbox_events_published_total',
        help: 'Outbox events published to Kafka',
        labelNames: ['topic'],
        registers,
      });
  }

  async start(): Promise<void> {
    await this.producer.connect();
    this.stopped = false;
    this.schedule(0);
  }

  /** Ask for a publish pass soon (e.g. right after a commit that enqueued events). */
  nudge(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  /** Publish everything pending now; resolves when the outbox is empty or an error occurs. */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    while ((await this.publishBatch()) > 0) {
      /* keep going until the outbox is drained */
    }
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    if (this.running) await this.running;
    try {
      await this.flush();
    } catch (error) {
      this.log.warn({ err: error }, 'could not flush the outbox on shutdown; rows stay pending');
    }
    await this.producer.disconnect();
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
    let delay = this.options.pollIntervalMs ?? 250;
    try {
      while (!this.stopped && (await this.publishBatch()) > 0) {
        /* drain */
      }
    } catch (error) {
      this.log.error({ err: error }, 'outbox publish failed; will retry');
      delay = 2_000;
    }
    if (!this.stopped) this.schedule(delay);
  }

  private async publishBatch(): Promise<number> {
    const limit = this.options.batchSize ?? 100;
    return this.options.db.$transaction(
      async (tx: TransactionalSqlClient) => {
        const rows = await tx.$queryRawUnsafe<OutboxRow[]>(
          `SELECT id::text, topic, message_key, headers, payload FROM outbox_events
           WHERE published_at IS NULL ORDER BY seq LIMIT $1 FOR UPDATE SKIP LOCKED`,
          limit,
        );
        if (rows.length === 0) return 0;
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
            })),
          })),
        });
        await tx.$executeRawUnsafe(
          `UPDATE outbox_events SET published_at = now() WHERE id = ANY($1::uuid[])`,
          rows.map((r) => r.id),
        );
        for (const [topic, topicRows] of byTopic) this.published.inc({ topic }, topicRows.length);
        this.log.debug({ count: rows.length }, 'published outbox events');
        return rows.length;
      },
      { timeout: 30_000 },
    );
  }
}
