import {
  deadLetterTopicOf,
  fromWireMessage,
  InvalidEventError,
  type EventEnvelope,
  type EventName,
} from '@switchyard/contracts';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type client from 'prom-client';
import { abortableSleep, backoffMs } from './abortable-sleep.js';
import { consumerMetrics, type ConsumerMetrics, type ConsumerState } from './consumer-metrics.js';
import { processOnce, wasProcessed } from './inbox.js';
import { outboxWrites } from './outbox.js';
import type { Logger } from './logger.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import { withConsumerSpan } from './trace-context.js';
import { isTransientError } from '@switchyard/service-kit';

/**
 * How one event type is handled. `prepare` (optional) runs first, outside any transaction,
 * for work that cannot live in one (a call to a payment provider); it must be idempotent.
 * `handle` runs inside the inbox transaction with whatever `prepare` returned.
 */
export interface EventHandler<N extends EventName, P = undefined> {
  prepare?: (event: EventEnvelope<N>, signal: AbortSignal) => Promise<P>;
  handle: (event: EventEnvelope<N>, tx: SqlClient, prepared: P) => Promise<void>;
  /** Runs after `handle`'s transaction committed (e.g. invalidate a cache); not on duplicates. */
  afterCommit?: (event: EventEnvelope<N>) => Promise<void>;
}

export type EventHandlers = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [N in EventName]?: EventHandler<N, any>;
};

/** Consumer-group timing; see docs/decisions/0009-consumer-failover.md. */
export interface ConsumerTiming {
  /** A member silent this long is dropped and its partitions reassigned. */
  sessionTimeoutMs: number;
  /** How often a member says it is alive, also while a long handler runs. */
  heartbeatIntervalMs: number;
  /** How long a rebalance waits for members to rejoin (longer than the slowest handler). */
  rebalanceTimeoutMs: number;
}

export const defaultConsumerTiming: ConsumerTiming = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
};

export interface EventConsumerOptions {
  kafka: Kafka;
  db: TransactionalSqlClient;
  logger: Logger;
  /** The consumer group and the inbox's consumer name. */
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Attempts before a message that fails for its own reasons goes to the dead-letter topic. */
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  /** Longest wait between two attempts at a message the infrastructure keeps failing. */
  maxRetryDelayMs?: number;
  timing?: Partial<ConsumerTiming>;
  registry?: client.Registry;
  /** Prefix for every topic name, to isolate e.g. a test run on a shared broker. */
  topicNamespace?: string;
  /**
   * Told after a handler committed a transaction that wrote events to the outbox (not after
   * one that wrote none): the relay should publish them now rather than at its next poll.
   */
  onCommitted?: () => void;
}

/** Thrown out of eachMessage to leave a message uncommitted (shutdown, lost partitions). */
class NotCommitted extends Error {
  override name = 'NotCommitted';
}

/**
 * Consumes CloudEvents from Kafka and applies each at most once per consumer group.
 *
 * - Start-up never waits for the broker: `start()` returns at once and a supervisor connects,
 *   joins, and starts again with backoff after any crash, so a replica serves HTTP while its
 *   consumer joins (or waits for a killed peer's session to expire).
 * - A message is committed only once it is handled or dead-lettered. Infrastructure failures
 *   (database restart, timeouts) are retried with backoff for as long as they last, holding
 *   the partition and heartbeating; only failures of the message itself are dead-lettered,
 *   after `maxAttempts`.
 * - Heartbeats continue while a handler runs, so a slow provider call does not get the member
 *   thrown out of its group.
 * - `stop()` aborts waits and in-flight provider calls, leaves the group and returns quickly,
 *   whether or not the member ever joined.
 */
/**
 * How long a consumer waits before trying a message again after an infrastructure failure:
 * exponential from `baseMs`, capped at `maxMs` (5 s). The cap bounds how long the saga stays
 * held up after the database or broker is back — a 30 s cap turned a 5 s PostgreSQL restart
 * into 34 s without payments — while one cheap retry every few seconds costs nothing.
 */
export function transientRetryDelayMs(attempt: number, baseMs = 200, maxMs = 5_000): number {
  return backoffMs(attempt, baseMs, maxMs);
}

export class EventConsumer {
  private consumer: Consumer | null = null;
  private readonly dlqProducer: Producer;
  private readonly log: Logger;
  private readonly metrics: ConsumerMetrics;
  private readonly timing: ConsumerTiming;
  private current: ConsumerState = 'stopped';
  private stopController = new AbortController();
  private supervisor: Promise<void> | null = null;

  constructor(private readonly options: EventConsumerOptions) {
    this.timing = { ...defaultConsumerTiming, ...options.timing };
    this.dlqProducer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.log = options.logger.child({ component: 'event-consumer', group: options.groupId });
    this.metrics = consumerMetrics(options.registry);
    this.metrics.setState(options.groupId, 'stopped');
  }

  /** The member's state: `consuming` once it has joined its group and holds partitions. */
  get state(): ConsumerState {
    return this.current;
  }

  /** Connect and join in the background; returns at once. */
  start(): void {
    if (this.supervisor) return;
    this.stopController = new AbortController();
    this.supervisor = this.supervise();
  }

  /** Let the current message finish (or abort its waits), leave the group, disconnect. */
  async stop(): Promise<void> {
    this.stopController.abort();
    const consumer = this.consumer;
    const wasConsuming = this.current === 'consuming';
    await consumer?.disconnect().then(
      () => this.log.info({ wasConsuming }, 'left the consumer group'),
      (error: unknown) => this.log.warn({ err: error }, 'consumer did not disconnect cleanly'),
    );
    await this.supervisor;
    this.supervisor = null;
    await this.dlqProducer.disconnect().catch(() => {});
    this.setState('stopped');
  }

  private get stopping(): boolean {
    return this.stopController.signal.aborted;
  }

  private setState(state: ConsumerState): void {
    this.current = state;
    this.metrics.setState(this.options.groupId, state);
  }

  /** Run a consumer; when it crashes, wait (backing off) and run a new one, until stopped. */
  private async supervise(): Promise<void> {
    for (let failures = 0; !this.stopping; failures++) {
      try {
        await this.runUntilCrash();
        if (this.stopping) return;
        this.metrics.crashes.inc({ group: this.options.groupId });
      } catch (error) {
        if (this.stopping) return;
        this.log.warn({ err: error }, 'consumer could not start; trying again');
      }
      this.setState('restarting');
      await abortableSleep(backoffMs(failures + 1, 500, 10_000), this.stopController.signal);
    }
  }

  private async runUntilCrash(): Promise<void> {
    const { kafka, groupId, topics, topicNamespace = '' } = this.options;
    this.setState('connecting');
    const consumer = kafka.consumer({
      groupId,
      sessionTimeout: this.timing.sessionTimeoutMs,
      heartbeatInterval: this.timing.heartbeatIntervalMs,
      rebalanceTimeout: this.timing.rebalanceTimeoutMs,
      allowAutoTopicCreation: false,
      // The supervisor restarts crashed consumers itself, with a fresh instance.
      retry: { restartOnFailure: async () => false },
    });
    this.consumer = consumer;
    const crashed = new Promise<void>((resolve) => {
      consumer.on(consumer.events.CRASH, ({ payload }) => {
        this.log.warn({ err: payload.error }, 'consumer crashed');
        resolve();
      });
    });
    consumer.on(consumer.events.GROUP_JOIN, ({ payload }) => {
      this.metrics.joins.inc({ group: groupId });
      this.log.info({ memberId: payload.memberId, assigned: payload.memberAssignment }, 'joined');
      this.setState('consuming');
    });
    consumer.on(consumer.events.REBALANCING, () => this.setState('joining'));
    try {
      await this.dlqProducer.connect();
      await consumer.connect();
      if (this.stopping) return;
      await consumer.subscribe({
        topics: topics.map((t) => topicNamespace + t),
        fromBeginning: true,
      });
      this.setState('joining');
      await consumer.run({
        // Every partition this member holds at once (production topics have 12): with fewer,
        // a slow handler (a provider call) is the throughput of the whole group.
        partitionsConsumedConcurrently: 12,
        eachMessage: (payload) => this.onMessage(payload),
      });
      await Promise.race([
        crashed,
        new Promise((resolve) => this.stopController.signal.addEventListener('abort', resolve)),
      ]);
    } finally {
      if (!this.stopping) await consumer.disconnect().catch(() => {});
    }
  }

  /** Record how long the event took from its outbox write to here (first delivery or not). */
  private timeHop(topic: string, event: string, createTime: string): void {
    const written = Number(createTime);
    if (!Number.isFinite(written) || written <= 0) return;
    this.metrics.hop.observe({ topic, event }, Math.max(0, Date.now() - written) / 1000);
  }

  private async onMessage(payload: EachMessagePayload): Promise<void> {
    const { topic, partition, message } = payload;
    const where = { topic, partition, offset: message.offset };
    let event: EventEnvelope;
    try {
      event = fromWireMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      this.log.warn(
        { ...where, reason: error.message },
        'invalid message sent to dead-letter topic',
      );
      await this.deadLetter(payload, error.message);
      this.metrics.processed.inc({ topic, event: 'invalid', outcome: 'dead_lettered' });
      return;
    }
    const handler = this.options.handlers[event.name] as
      EventHandler<EventName, unknown> | undefined;
    if (!handler) {
      this.metrics.processed.inc({ topic, event: event.name, outcome: 'ignored' });
      return;
    }
    this.timeHop(topic, event.name, message.timestamp);
    const log = this.log.child({
      ...where,
      eventId: event.id,
      event: event.name,
      subject: event.subject,
    });
    const maxAttempts = this.options.maxAttempts ?? 5;
    const handlingStarted = performance.now();
    for (let failures = 0, transientFailures = 0; ;) {
      if (this.stopping) throw new NotCommitted('consumer stopping; message left for redelivery');
      try {
        const applied = await this.withHeartbeats(payload, () =>
          withConsumerSpan(
            `${topic} process`,
            event.traceparent,
            {
              'messaging.system': 'kafka',
              'messaging.destination.name': topic,
              'messaging.message.id': event.id,
            },
            async () => {
              const done = await this.apply(handler, event);
              // Logged inside the span, so the line carries the producer's trace id.
              log.info(done ? 'event applied' : 'duplicate event ignored');
              return done;
            },
          ),
        );
        this.metrics.processed.inc({
          topic,
          event: event.name,
          outcome: applied ? 'applied' : 'duplicate',
        });
        this.metrics.handling.observe(
          { topic, event: event.name },
          (performance.now() - handlingStarted) / 1000,
        );
        return;
      } catch (error) {
        if (this.stopping) throw new NotCommitted('consumer stopping; message left for redelivery');
        const transient = isTransientError(error);
        this.metrics.retries.inc({
          topic,
          event: event.name,
          kind: transient ? 'transient' : 'failed',
        });
        let delay: number;
        if (transient) {
          transientFailures++;
          delay = transientRetryDelayMs(
            transientFailures,
            this.options.retryBaseDelayMs,
            this.options.maxRetryDelayMs,
          );
          log.warn(
            { err: error, attempt: transientFailures, retryInMs: delay },
            'infrastructure failure; retrying without committing',
          );
        } else {
          failures++;
          if (failures >= maxAttempts) {
            log.error(
              { err: error, attempt: failures },
              'event failed every attempt; sent to dead-letter topic',
            );
            await this.deadLetter(payload, (error as Error).message);
            this.metrics.processed.inc({ topic, event: event.name, outcome: 'dead_lettered' });
            return;
          }
          delay = backoffMs(failures, this.options.retryBaseDelayMs ?? 200, 5_000);
          log.warn({ err: error, attempt: failures }, 'event handling failed; retrying');
        }
        await this.waitHeartbeating(payload, delay);
      }
    }
  }

  /**
   * Run `fn`, heartbeating every interval meanwhile: kafkajs only heartbeats between messages,
   * so without this a handler longer than the session timeout gets the member dropped.
   */
  private async withHeartbeats<T>(payload: EachMessagePayload, fn: () => Promise<T>): Promise<T> {
    const timer = setInterval(() => {
      payload.heartbeat().catch((error: unknown) => {
        this.log.debug({ err: error }, 'heartbeat during a handler failed');
      });
    }, this.timing.heartbeatIntervalMs);
    try {
      return await fn();
    } finally {
      clearInterval(timer);
    }
  }

  /**
   * Wait before the next attempt, heartbeating; a heartbeat that reports a rebalance ends the
   * wait with an error so kafkajs rejoins and the message, uncommitted, goes to its new owner.
   */
  private async waitHeartbeating(payload: EachMessagePayload, ms: number): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await abortableSleep(
        Math.min(this.timing.heartbeatIntervalMs, until - Date.now()),
        this.stopController.signal,
      );
      await payload.heartbeat();
    }
  }

  private async apply(
    handler: EventHandler<EventName, unknown>,
    event: EventEnvelope,
  ): Promise<boolean> {
    const consumerName = this.options.groupId;
    const writesBefore = outboxWrites();
    let prepared: unknown = undefined;
    if (handler.prepare) {
      if (await wasProcessed(this.options.db, consumerName, event.id)) return false;
      prepared = await handler.prepare(event, this.stopController.signal);
    }
    const applied = await processOnce(this.options.db, consumerName, event, (tx) =>
      handler.handle(event, tx, prepared),
    );
    // Wake the relay only when something was written to the outbox (most handlers write none).
    if (outboxWrites() !== writesBefore) this.options.onCommitted?.();
    if (applied && handler.afterCommit) {
      await handler
        .afterCommit(event)
        .catch((error: unknown) =>
          this.log.warn({ err: error, eventId: event.id }, 'after-commit step failed'),
        );
    }
    return applied;
  }

  private async deadLetter(
    { topic, partition, message }: EachMessagePayload,
    reason: string,
  ): Promise<void> {
    await this.dlqProducer.send({
      topic: deadLetterTopicOf(topic),
      acks: -1,
      messages: [
        {
          key: message.key,
          value: message.value,
          headers: {
            ...message.headers,
            dlt_reason: reason.slice(0, 1000),
            dlt_consumer_group: this.options.groupId,
            dlt_original_topic: topic,
            dlt_original_partition: String(partition),
            dlt_original_offset: message.offset,
            dlt_at: new Date().toISOString(),
          },
        },
      ],
    });
  }
}
