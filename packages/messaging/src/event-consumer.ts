import { fromWireMessage, InvalidEventError, type EventEnvelope } from '@switchyard/contracts';
import type { Consumer, EachBatchPayload, Kafka, KafkaMessage, Producer } from 'kafkajs';
import type client from 'prom-client';
import { abortableSleep, backoffMs } from './abortable-sleep.js';
import { consumerMetrics, type ConsumerMetrics, type ConsumerState } from './consumer-metrics.js';
import {
  EventApplier,
  type AnyEventHandler,
  type EventHandlers,
  type EventSource,
  type SelfRecordingHandlers,
} from './event-applier.js';
import { createProducer } from './kafka.js';
import type { Logger } from './logger.js';
import {
  NotCommitted,
  RetryingHandler,
  type Pending,
  type RetryPolicyOptions,
} from './retry-policy.js';
import type { TransactionalSqlClient } from './sql-client.js';

export type {
  EventHandler,
  EventHandlers,
  SelfRecordingHandler,
  SelfRecordingHandlers,
} from './event-applier.js';
export { transientRetryDelayMs } from './retry-policy.js';

/** Consumer-group timing; see docs/decisions/0009-consumer-failover.md. */
export interface ConsumerTiming {
  /** A member silent this long is dropped and its partitions reassigned. */
  sessionTimeoutMs: number;
  /** How often a member says it is alive, also while a long handler runs. */
  heartbeatIntervalMs: number;
  /** How long a rebalance waits for members to rejoin (longer than the slowest handler). */
  rebalanceTimeoutMs: number;
  /**
   * How long the broker holds a fetch open while it has nothing to return. A stop (SIGTERM)
   * waits for the fetch in flight, so this also bounds how long leaving the group takes.
   */
  fetchMaxWaitMs: number;
}

export const defaultConsumerTiming: ConsumerTiming = {
  sessionTimeoutMs: 10_000,
  heartbeatIntervalMs: 1_000,
  rebalanceTimeoutMs: 30_000,
  fetchMaxWaitMs: 5_000, // kafkajs's own default
};

export interface EventConsumerOptions extends RetryPolicyOptions {
  kafka: Kafka;
  db: TransactionalSqlClient;
  logger: Logger;
  /** The consumer group and the inbox's consumer name. */
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /**
   * Handlers that record their event in the inbox themselves, in the transaction that completes
   * their work (SelfRecordingHandler); an event has a handler here or in `handlers`, not both.
   */
  selfRecording?: SelfRecordingHandlers;
  timing?: Partial<ConsumerTiming>;
  registry?: client.Registry;
  /** Prefix for every topic name, to isolate e.g. a test run on a shared broker. */
  topicNamespace?: string;
  /**
   * Told after a handler committed a transaction that wrote events to the outbox (not after
   * one that wrote none): the relay should publish them now rather than at its next poll.
   */
  onCommitted?: () => void;
  /**
   * Opt-in: apply up to this many consecutive events of one partition's fetched batch in one
   * transaction (handlers without `prepare` only; one inbox statement for all). If any of them
   * fails, the transaction is rolled back and each is applied on its own, with the usual
   * retries and dead-lettering. 1 (the default): one transaction per event.
   */
  maxEventsPerTransaction?: number;
}

/**
 * Consumes CloudEvents from Kafka and applies each at most once per consumer group.
 *
 * - Start-up never waits for the broker: `start()` returns at once and a supervisor connects,
 *   joins, and starts again with backoff after any crash, so a replica serves HTTP while its
 *   consumer joins (or waits for a killed peer's session to expire).
 * - Each partition's fetched batch is handled in order (per-key order), sharing one heartbeat
 *   timer and one offset commit; a message's offset is resolved only once it is handled or
 *   dead-lettered (see retry-policy.ts for which failures are retried, and for how long).
 * - Heartbeats continue while a handler runs, so a slow provider call does not get the member
 *   thrown out of its group.
 * - `stop()` aborts waits and in-flight provider calls, leaves the group and returns quickly,
 *   whether or not the member ever joined.
 */
/** Applied with others in one transaction: runs in the inbox transaction and needs no `prepare`. */
const groupable = (handler: AnyEventHandler) => 'handle' in handler && !handler.prepare;

export class EventConsumer {
  private consumer: Consumer | null = null;
  private readonly dlqProducer: Producer;
  private readonly log: Logger;
  private readonly metrics: ConsumerMetrics;
  private readonly timing: ConsumerTiming;
  private current: ConsumerState = 'stopped';
  private stopController = new AbortController();
  private applier: EventApplier;
  private retries: RetryingHandler;
  /** The heartbeats of the batches being handled now (see keepHeartbeating). */
  private readonly inFlight = new Set<EachBatchPayload['heartbeat']>();
  private heartbeatTimer: NodeJS.Timeout | null = null;
  private supervisor: Promise<void> | null = null;

  constructor(private readonly options: EventConsumerOptions) {
    this.timing = { ...defaultConsumerTiming, ...options.timing };
    this.dlqProducer = createProducer(options.kafka, { idempotent: true, maxInFlightRequests: 1 });
    this.log = options.logger.child({ component: 'event-consumer', group: options.groupId });
    this.metrics = consumerMetrics(options.registry);
    this.metrics.setState(options.groupId, 'stopped');
    [this.applier, this.retries] = this.createHandling();
  }

  /** What applies events and retries them, bound to this run's stop signal. */
  private createHandling(): [EventApplier, RetryingHandler] {
    const signal = this.stopController.signal;
    const applier = new EventApplier({
      db: this.options.db,
      consumer: this.options.groupId,
      logger: this.log,
      signal,
      onCommitted: this.options.onCommitted,
    });
    const retries = new RetryingHandler({
      ...this.options,
      applier,
      dlqProducer: this.dlqProducer,
      logger: this.log,
      metrics: this.metrics,
      signal,
      heartbeatIntervalMs: this.timing.heartbeatIntervalMs,
    });
    return [applier, retries];
  }

  /** The member's state: `consuming` once it has joined its group and holds partitions. */
  get state(): ConsumerState {
    return this.current;
  }

  /** Connect and join in the background; returns at once. */
  start(): void {
    if (this.supervisor) return;
    this.stopController = new AbortController();
    [this.applier, this.retries] = this.createHandling();
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
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.heartbeatTimer = null;
    this.inFlight.clear();
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
      maxWaitTimeInMs: this.timing.fetchMaxWaitMs,
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
        // Offsets are resolved one by one as messages are done: a stop or a rebalance in the
        // middle of a batch leaves the rest uncommitted. kafkajs commits once per batch.
        eachBatchAutoResolve: false,
        eachBatch: (payload) => this.onBatch(payload),
      });
      await Promise.race([
        crashed,
        new Promise((resolve) => this.stopController.signal.addEventListener('abort', resolve)),
      ]);
    } finally {
      if (!this.stopping) await consumer.disconnect().catch(() => {});
    }
  }

  /**
   * One partition's fetched messages, in order, heartbeating meanwhile (kafkajs only
   * heartbeats between batches, so without it a handler longer than the session timeout gets
   * the member dropped).
   */
  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch, resolveOffset, isRunning, isStale } = payload;
    const { topic, partition } = batch;
    const released = this.keepHeartbeating(payload.heartbeat);
    const perTransaction = Math.max(1, this.options.maxEventsPerTransaction ?? 1);
    let group: Pending[] = [];
    const applyGroup = async () => {
      const pending = group;
      group = [];
      if (pending.length > 0) await this.applyPending(pending, payload);
    };
    try {
      for (const message of batch.messages) {
        if (this.stopping || !isRunning() || isStale()) break;
        const from = { topic, partition, offset: message.offset };
        const parsed = this.parse(message, from);
        if ('handler' in parsed && groupable(parsed.handler) && perTransaction > 1) {
          group.push({ message, ...parsed, from });
          if (group.length >= perTransaction) await applyGroup();
          continue;
        }
        await applyGroup();
        if ('handler' in parsed) await this.retries.handle({ message, ...parsed, from }, payload);
        else if ('invalid' in parsed)
          await this.retries.deadLetterInvalid(message, from, parsed.invalid);
        resolveOffset(message.offset);
      }
      await applyGroup();
    } catch (error) {
      if (!(error instanceof NotCommitted)) throw error;
      // Stopping: what is resolved is committed by kafkajs; the rest is redelivered.
    } finally {
      released();
    }
  }

  /**
   * Heartbeat while batches are being handled: one timer for all of them (a heartbeat is the
   * member's, whichever batch sends it). It stops on the first tick with nothing in flight, so
   * an idle consumer keeps no timer.
   */
  private keepHeartbeating(heartbeat: EachBatchPayload['heartbeat']): () => void {
    this.inFlight.add(heartbeat);
    if (!this.heartbeatTimer) {
      this.heartbeatTimer = setInterval(() => {
        const next = this.inFlight.values().next();
        if (next.done) {
          clearInterval(this.heartbeatTimer!);
          this.heartbeatTimer = null;
          return;
        }
        next.value().catch((error: unknown) => {
          this.log.debug({ err: error }, 'heartbeat during a handler failed');
        });
      }, this.timing.heartbeatIntervalMs);
    }
    return () => this.inFlight.delete(heartbeat);
  }

  /** The event in a message and its handler, or why there is nothing to apply. */
  private parse(
    message: KafkaMessage,
    from: EventSource,
  ): { event: EventEnvelope; handler: AnyEventHandler } | { ignored: true } | { invalid: string } {
    let event: EventEnvelope;
    try {
      event = fromWireMessage(message);
    } catch (error) {
      if (!(error instanceof InvalidEventError)) throw error;
      return { invalid: error.message };
    }
    const handler = (this.options.handlers[event.name] ??
      this.options.selfRecording?.[event.name]) as AnyEventHandler | undefined;
    if (!handler) {
      this.metrics.processed.inc({ topic: from.topic, event: event.name, outcome: 'ignored' });
      return { ignored: true };
    }
    this.timeHop(from.topic, event.name, message.timestamp);
    return { event, handler };
  }

  /**
   * Apply a run of events in one transaction; if that fails (one of them, or the database),
   * apply each on its own with its retries, so the outcome per event is what it would have
   * been alone.
   */
  private async applyPending(pending: Pending[], payload: EachBatchPayload): Promise<void> {
    if (pending.length > 1) {
      const started = performance.now();
      let applied: boolean[] | null = null;
      try {
        applied = await this.applier.applyAll(pending);
      } catch (error) {
        if (this.stopping)
          throw new NotCommitted('consumer stopping; messages left for redelivery');
        this.log.debug({ err: error, events: pending.length }, 'batch failed; applying one by one');
      }
      if (applied) {
        const seconds = (performance.now() - started) / 1000;
        pending.forEach(({ from, event }, i) => {
          this.metrics.processed.inc({
            topic: from.topic,
            event: event.name,
            outcome: applied[i] ? 'applied' : 'duplicate',
          });
          this.metrics.handling.observe({ topic: from.topic, event: event.name }, seconds);
        });
        payload.resolveOffset(pending.at(-1)!.message.offset);
        return;
      }
    }
    for (const item of pending) {
      await this.retries.handle(item, payload);
      payload.resolveOffset(item.message.offset);
    }
  }

  /** Record how long the event took from its outbox write to here (first delivery or not). */
  private timeHop(topic: string, event: string, createTime: string): void {
    const written = Number(createTime);
    if (!Number.isFinite(written) || written <= 0) return;
    this.metrics.hop.observe({ topic, event }, Math.max(0, Date.now() - written) / 1000);
  }
}
