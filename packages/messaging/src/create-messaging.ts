import type { Admin, Kafka } from 'kafkajs';
import type { Logger } from './logger.js';
import type client from 'prom-client';
import { EventConsumer, type EventHandlers } from './event-consumer.js';
import { createKafka } from './kafka.js';
import { OutboxRelay } from './outbox-relay.js';
import type { TransactionalSqlClient } from './sql-client.js';

export interface MessagingOptions {
  /** Service name: Kafka client id and (with the namespace) consumer group id. */
  service: string;
  brokers: string[];
  namespace?: string;
  db: TransactionalSqlClient;
  logger: Logger;
  registry?: client.Registry;
  /** Topics to consume and how to handle their events; omit for a producer-only service. */
  consume?: { topics: string[]; handlers: EventHandlers };
}

export interface Messaging {
  kafka: Kafka;
  relay: OutboxRelay;
  consumer: EventConsumer | null;
  start(): Promise<void>;
  /** Finish the current message and commit, then flush the outbox, then disconnect. */
  stop(): Promise<void>;
  /** Throws unless the broker answers. */
  checkReady(): Promise<void>;
}

/** One service's Kafka side: an outbox relay and, if it consumes, an idempotent consumer. */
export function createMessaging(options: MessagingOptions): Messaging {
  const namespace = options.namespace ?? '';
  const kafka = createKafka({
    clientId: options.service,
    brokers: options.brokers,
    logger: options.logger,
  });
  const relay = new OutboxRelay({
    db: options.db,
    kafka,
    logger: options.logger,
    registry: options.registry,
    topicNamespace: namespace,
  });
  const consumer = options.consume
    ? new EventConsumer({
        kafka,
        db: options.db,
        logger: options.logger,
        groupId: `${namespace}${options.service}`,
        topics: options.consume.topics,
        handlers: options.consume.handlers,
        registry: options.registry,
        topicNamespace: namespace,
      })
    : null;
  let admin: Admin | null = null;

  return {
    kafka,
    relay,
    consumer,
    async start() {
      admin = kafka.admin();
      await admin.connect();
      await relay.start();
      await consumer?.start();
    },
    async stop() {
      await consumer?.stop();
      await relay.stop();
      await admin?.disconnect();
    },
    async checkReady() {
      if (!admin) throw new Error('messaging not started');
      await admin.describeCluster();
    },
  };
}
