import { setTimeout as sleep } from 'node:timers/promises';
import {
  deadLetterTopicOf,
  fromWireMessage,
  InvalidEventError,
  type EventEnvelope,
  type EventName,
} from '@switchyard/contracts';
import type { Consumer, EachMessagePayload, Kafka, Producer } from 'kafkajs';
import type { Logger } from './logger.js';
import client from 'prom-client';
import { processOnce, wasProcessed } from './inbox.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import { withConsumerSpan } from './trace-context.js';

/**
 * How one event type is handled. `prepare` (optional) runs first, outside any transaction,
 * for work that cannot live in one (a call to a payment provider); it must be idempotent.
 * `handle` runs inside the inbox transaction with whatever `prepare` returned.
 */
export interface EventHandler<N extends EventName, P = undefined> {
  prepare?: (event: EventEnvelope<N>) => Promise<P>;
  handle: (event: EventEnvelope<N>, tx: SqlClient, prepared: P) => Promise<void>;
  /** Runs after `handle`'s transaction committed (e.g. invalidate a cache); not on duplicates. */
  afterCommit?: (event: EventEnvelope<N>) => Promise<void>;
}

export type EventHandlers = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [N in EventName]?: EventHandler<N, any>;
};

export interface EventConsumerOptions {
  kafka: Kafka;
  db: TransactionalSqlClient;
  logger: Logger;
  /** The consumer group and the inbox's consumer name. */
  groupId: string;
  topics: string[];
  handlers: EventHandlers;
  /** Attempts before a message goes to the dead-letter topic. */
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  registry?: client.Registry;
  /** Prefix for every topic name, to isolate e.g. a test run on a shared broker. */
  topicNamespace?: string;
}

function counter(
  registry: client.Registry | undefined,
  name: string,
  help: string,
): client.Counter {
  const existing = registry?.getSingleMetric(name) as client.Counter | undefined;
  return (
    existing ??
    new client.Counter({
      name,
      help,
      labelNames: ['topic', 'event', 'outcome'],
      registers: registry ? [registry] : [],
    })
  );
}

/**
 * Consumes CloudEvents from Kafka and applies each at most once per consumer group.
 * Offsets are committed only after a message is handled, dead-lettered, or skipped.
 */
export class EventConsumer {
  private readonly consumer: Consumer;
  private readonly dlqProducer: Producer;
  private readonly log: Logger;
  private readonly processed: client.Counter;

  constructor(private readonly options: EventConsumerOptions) {
    this.consumer = options.kafka.consumer({
      groupId: options.groupId,
      sessionTimeout: 30_000,
      heartbeatInterval: 3_000,
      allowAutoTopicCreation: false,
    });
    this.dlqProducer = options.kafka.producer({ idempotent: true, maxInFlightRequests: 1 });
    this.log = options.logger.child({ component: 'event-consumer', group: options.groupId });
    this.processed = counter(
      options.registry,
      'events_consumed_total',
      'Events consumed, by outcome',
    );
  }

  async start(): Promise<void> {
    await this.dlqProducer.connect();
    await this.consumer.connect();
    const namespace = this.options.topicNamespace ?? '';
    await this.consumer.subscribe({
      topics: this.options.topics.map((t) => namespace + t),
      fromBeginning: true,
    });
    await this.consumer.run({ eachMessage: (payload) => this.onMessage(payload) });
  }

  /** Lets the current message finish, commits offsets, and leaves the group. */
  async stop(): Promise<void> {
    await this.consumer.disconnect();
    await this.dlqProducer.disconnect();
  }

  private async onMessage({
    topic,
    partition,
    message,
    heartbeat,
  }: EachMessagePayload): Promise<void> {
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
      await this.deadLetter(topic, partition, message, error.message);
      this.processed.inc({ topic, event: 'invalid', outcome: 'dead_lettered' });
      return;
    }
    const handler = this.options.handlers[event.name] as
      EventHandler<EventName, unknown> | undefined;
    if (!handler) {
      this.processed.inc({ topic, event: event.name, outcome: 'ignored' });
      return;
    }
    const log = this.log.child({
      ...where,
      eventId: event.id,
      event: event.name,
      subject: event.subject,
    });
    const maxAttempts = this.options.maxAttempts ?? 5;
    for (let attempt = 1; ; attempt++) {
      try {
        const applied = await withConsumerSpan(
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
        );
        this.processed.inc({
          topic,
          event: event.name,
          outcome: applied ? 'applied' : 'duplicate',
        });
        return;
      } catch (error) {
        if (attempt >= maxAttempts) {
          log.error(
            { err: error, attempt },
            'event failed every attempt; sent to dead-letter topic',
          );
          await this.deadLetter(topic, partition, message, (error as Error).message);
          this.processed.inc({ topic, event: event.name, outcome: 'dead_lettered' });
          return;
        }
        log.warn({ err: error, attempt }, 'event handling failed; retrying');
        await sleep((this.options.retryBaseDelayMs ?? 200) * 2 ** (attempt - 1));
        await heartbeat();
      }
    }
  }

  private async apply(
    handler: EventHandler<EventName, unknown>,
    event: EventEnvelope,
  ): Promise<boolean> {
    const consumerName = this.options.groupId;
    let prepared: unknown = undefined;
    if (handler.prepare) {
      if (await wasProcessed(this.options.db, consumerName, event.id)) return false;
      prepared = await handler.prepare(event);
    }
    const applied = await processOnce(this.options.db, consumerName, event, (tx) =>
      handler.handle(event, tx, prepared),
    );
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
    topic: string,
    partition: number,
    message: EachMessagePayload['message'],
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
          },
        },
      ],
    });
  }
}
