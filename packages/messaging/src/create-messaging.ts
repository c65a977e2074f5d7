import { consumerGroupOf } from '@switchyard/contracts';
import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from './logger.js';
import type client from 'prom-client';
import {
  EventConsumer,
  type ConsumerTiming,
  type EventHandlers,
  type SelfRecordingHandlers,
} from './event-consumer.js';
import { createKafka } from './kafka.js';
import { kafkaCredentialsOf, type KafkaCredentialSettings } from './kafka-credentials.js';
import { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
import type { TransactionalSqlClient } from './sql-client.js';
import { deadLetterGauge } from './dead-letter-gauge.js';

/** The Kafka settings a service reads from its environment (service-kit's KafkaEnv). */
export interface KafkaSettings extends KafkaCredentialSettings {
  KAFKA_BROKERS: string;
  /** Prefix for topic and consumer-group names (a test run on a shared broker). */
  KAFKA_NAMESPACE?: string;
  KAFKA_SESSION_TIMEOUT_MS?: number;
  KAFKA_HEARTBEAT_INTERVAL_MS?: number;
  KAFKA_REBALANCE_TIMEOUT_MS?: number;
  KAFKA_FETCH_MAX_WAIT_MS?: number;
  /** How often the relay looks for rows when nothing woke it. */
  OUTBOX_POLL_INTERVAL_MS?: number;
  /** Published outbox rows are deleted after this many hours. */
  OUTBOX_RETENTION_HOURS?: number;
}

export interface MessagingOptions {
  /** Service name: Kafka client id and (with the namespace) consumer group id. */
  service: string;
  settings: KafkaSettings;
  db: TransactionalSqlClient;
  logger: Logger;
  registry?: client.Registry;
  /**
   * Topics to consume and how to handle their events; omit for a producer-only service.
   * `maxEventsPerTransaction` (opt-in, default 1) and `selfRecording`: see EventConsumerOptions.
   */
  consume?: {
    topics: string[];
    handlers: EventHandlers;
    selfRecording?: SelfRecordingHandlers;
    maxEventsPerTransaction?: number;
  };
  /** Told of each event the outbox relay published (business metrics). */
  onPublished?: OutboxRelayOptions['onPublished'];
}

/** `kafka`: does the broker answer now; `consumer` (when it consumes): a ConsumerState. */
export type MessagingStatus = Record<string, string>;

export interface Messaging {
  service: string;
  kafka: Kafka;
  relay: OutboxRelay;
  consumer: EventConsumer | null;
  /** What this service consumes: its group, topics (without namespace) and the namespace. */
  consumes: { groupId: string; topics: string[]; namespace: string } | null;
  /** Start relaying and consuming in the background; never waits for the broker. */
  start(): void;
  /** Finish (or abort) the current message, leave the group, flush the outbox, disconnect. */
  stop(): Promise<void>;
  /** How the Kafka side stands, for /readyz detail (never a reason to be unready). */
  status(): Promise<MessagingStatus>;
}

/** One service's Kafka side: an outbox relay and, if it consumes, an idempotent consumer. */
export function createMessaging(options: MessagingOptions): Messaging {
  const { settings } = options;
  const namespace = settings.KAFKA_NAMESPACE ?? '';
  const brokers = settings.KAFKA_BROKERS.split(',').map((b) => b.trim());
  const timing: Partial<ConsumerTiming> = {
    ...(settings.KAFKA_SESSION_TIMEOUT_MS
      ? { sessionTimeoutMs: settings.KAFKA_SESSION_TIMEOUT_MS }
      : {}),
    ...(settings.KAFKA_HEARTBEAT_INTERVAL_MS
      ? { heartbeatIntervalMs: settings.KAFKA_HEARTBEAT_INTERVAL_MS }
      : {}),
    ...(settings.KAFKA_REBALANCE_TIMEOUT_MS
      ? { rebalanceTimeoutMs: settings.KAFKA_REBALANCE_TIMEOUT_MS }
      : {}),
    ...(settings.KAFKA_FETCH_MAX_WAIT_MS
      ? { fetchMaxWaitMs: settings.KAFKA_FETCH_MAX_WAIT_MS }
      : {}),
  };
  const credentials = kafkaCredentialsOf(settings);
  const kafka = createKafka({
    clientId: options.service,
    brokers,
    logger: options.logger,
    credentials,
  });
  const relay = new OutboxRelay({
    db: options.db,
    kafka,
    logger: options.logger,
    service: options.service,
    registry: options.registry,
    topicNamespace: namespace,
    retentionHours: settings.OUTBOX_RETENTION_HOURS,
    pollIntervalMs: settings.OUTBOX_POLL_INTERVAL_MS,
    onPublished: options.onPublished,
  });
  const groupId = consumerGroupOf(options.service, namespace);
  const consumer = options.consume
    ? new EventConsumer({
        kafka,
        db: options.db,
        logger: options.logger,
        groupId,
        topics: options.consume.topics,
        handlers: options.consume.handlers,
        selfRecording: options.consume.selfRecording,
        maxEventsPerTransaction: options.consume.maxEventsPerTransaction,
        registry: options.registry,
        topicNamespace: namespace,
        timing,
        // What a handler wrote to the outbox leaves at once (as after an HTTP request's commit).
        onCommitted: () => relay.nudge(),
      })
    : null;
  // A quick-failing client for the status probe, so /readyz never hangs on a missing broker.
  const probe: Admin = createKafka({
    clientId: `${options.service}-probe`,
    brokers,
    logger: options.logger,
    credentials,
    retries: 0,
  }).admin();
  let probeConnected = false;
  let stopped = false;
  const connectedProbe = async () => {
    if (stopped) throw new Error('messaging stopped');
    if (!probeConnected) {
      await probe.connect();
      probeConnected = true;
    }
    return probe;
  };
  if (options.consume) {
    deadLetterGauge({
      registry: options.registry,
      admin: connectedProbe,
      topics: options.consume.topics,
      namespace,
    });
  }

  return {
    service: options.service,
    kafka,
    relay,
    consumer,
    consumes: options.consume ? { groupId, topics: options.consume.topics, namespace } : null,
    start() {
      relay.start();
      consumer?.start();
    },
    async stop() {
      stopped = true;
      await consumer?.stop();
      await relay.stop();
      if (probeConnected) await probe.disconnect().catch(() => {});
    },
    async status() {
      let broker = 'ok';
      try {
        await (await connectedProbe()).describeCluster();
      } catch {
        broker = 'unavailable';
        probeConnected = false;
        await probe.disconnect().catch(() => {});
      }
      return { kafka: broker, ...(consumer ? { consumer: consumer.state } : {}) };
    },
  };
}
