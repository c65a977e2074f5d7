import type { Kafka, Producer } from 'kafkajs';
import type client from 'prom-client';
import { kafkaProtocolErrorType } from '@switchyard/service-kit';
import { abortableSleep } from './abortable-sleep.js';
import { createProducer } from './kafka.js';
import type { Logger } from './logger.js';
import { outboxMetrics } from './outbox-metrics.js';
import { OutboxPublisher, type LockPool, type PublishedEvent } from './outbox-publisher.js';
import { OutboxUpkeep } from './outbox-upkeep.js';
import { outboxWrites } from './outbox.js';
import type { TransactionalSqlClient } from './sql-client.js';

export type { PublishedEvent } from './outbox-publisher.js';

export interface OutboxRelayOptions {
  db: TransactionalSqlClient;
  kafka: Kafka;
  logger: Logger;
  /** The service's name: with a lock pool, one relay per service publishes at a time. */
  service?: string;
  /**
   * A node-postgres pool on the same database (e.g. the pg.Pool under Prisma's adapter). A pass
   * then takes one connection and a session advisory lock, so one replica publishes at a time
   * (no transaction open while sending). Defaults to `db.pool` when the client exposes one.
   */
  lockPool?: LockPool;
  /** How often to look for new rows when idle (a commit nudges the relay at once). */
  pollIntervalMs?: number;
  batchSize?: number;
  /** A row Kafka refuses this many times is parked (moved aside) so the rest can flow. */
  maxRowAttempts?: number;
  /**
   * Published rows are kept this long (stamped `published_at`), then pruned. 0: a row is
   * deleted as soon as Kafka has it, so publishing costs an insert and a delete, no update.
   */
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

/**
 * Relays outbox rows to Kafka, in insertion order, when there is work: right after a commit
 * that wrote to the outbox (`nudge`), and at each poll (rows another replica's commit or a
 * crash left). Each pass publishes batches (see OutboxPublisher for delivery and order) and
 * goes on only while they come back full; nudges during a pass coalesce into one more pass.
 *
 * - Kafka refusing a row for its own sake (too large, malformed) parks that row after
 *   `maxRowAttempts`; every other failure (the broker away, an ACL, the producer's id or
 *   sequence refused) parks nothing: the pass is retried after a pause, with a fresh producer
 *   when the broker refused the send, so no healthy row is moved aside and the order holds.
 * - Start-up never waits for the broker: the producer connects on the first pass and again
 *   after any failure.
 */
export class OutboxRelay {
  private producer: Producer;
  private readonly log: Logger;
  private readonly publisher: OutboxPublisher;
  private readonly upkeep: OutboxUpkeep;
  private readonly batchSize: number;
  private connected = false;
  private timer: NodeJS.Timeout | null = null;
  private timerDueAt = 0;
  private running: Promise<void> | null = null;
  /** A nudge came while a pass was running: that pass may have looked before the commit. */
  private nudgedWhileRunning = false;
  private stopped = true;

  constructor(private readonly options: OutboxRelayOptions) {
    this.producer = this.createProducer();
    this.log = options.logger.child({ component: 'outbox-relay' });
    const metrics = outboxMetrics(options.registry);
    const retentionHours = options.retentionHours ?? 24 * 7;
    this.batchSize = options.batchSize ?? 100;
    this.publisher = new OutboxPublisher({
      db: options.db,
      producer: () => this.producer,
      logger: this.log,
      metrics,
      batchSize: this.batchSize,
      maxRowAttempts: options.maxRowAttempts ?? 5,
      deleteOnPublish: retentionHours === 0,
      topicNamespace: options.topicNamespace ?? '',
      onPublished: options.onPublished,
      lockPool: options.lockPool ?? poolOf(options.db),
      lockName: `outbox-relay:${options.service ?? 'default'}`,
    });
    this.upkeep = new OutboxUpkeep({ db: options.db, metrics, retentionHours });
  }

  private createProducer(): Producer {
    const producer = createProducer(this.options.kafka, {
      idempotent: true,
      maxInFlightRequests: 1,
    });
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

  /**
   * Ask for a publish pass soon, after a commit that enqueued events. With `since` (the
   * `outboxWrites()` taken before the transaction), only if an event was written since:
   * a commit that wrote none wakes nothing.
   */
  nudge(since?: number): void {
    if (this.stopped) return;
    if (since !== undefined && outboxWrites() === since) return;
    if (this.running) this.nudgedWhileRunning = true;
    // Coalesced: a pass already due at once takes this commit's rows too.
    else if (!this.timer || this.timerDueAt > Date.now()) this.schedule(0);
  }

  /** Publish everything pending now; resolves when the outbox is empty or an error occurs. */
  async flush(): Promise<void> {
    if (this.running) await this.running;
    await this.ensureConnected();
    await this.drain(false);
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

  /** Publish batches while they come back full (a short one means the outbox was drained). */
  private async drain(untilStopped: boolean): Promise<void> {
    while (!(untilStopped && this.stopped)) {
      if ((await this.publisher.publishBatch()) < this.batchSize) return;
    }
  }

  private schedule(delayMs: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timerDueAt = Date.now() + delayMs;
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.loop().finally(() => {
        this.running = null;
      });
    }, delayMs);
  }

  private async loop(): Promise<void> {
    // The poll is the fallback (rows committed by another replica, rows left by a crash); a
    // commit here nudges the relay at once. Each pass costs a query, so polling fast made the
    // idle stack busy (docs/benchmarks.md).
    let delay = this.options.pollIntervalMs ?? 1_000;
    this.nudgedWhileRunning = false;
    try {
      await this.ensureConnected();
      await this.drain(true);
      await this.upkeep.runIfDue();
    } catch (error) {
      const refusal = kafkaProtocolErrorType(error);
      if (refusal) {
        // Not the rows' fault (those are parked by the publisher): nothing is parked, and the
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
    const lostLock = this.publisher.takeLostLock();
    if (this.nudgedWhileRunning && delay !== 2_000) delay = 0;
    else if (lostLock && delay !== 2_000) delay = Math.min(delay, 50);
    if (!this.stopped) this.schedule(delay);
  }
}

/** The node-postgres pool a database client exposes (`db.pool`), if any. */
function poolOf(db: unknown): LockPool | undefined {
  const pool = (db as { pool?: Partial<LockPool> }).pool;
  return typeof pool?.connect === 'function' ? (pool as LockPool) : undefined;
}
