export { createKafka, ensureTopics, type KafkaOptions } from './kafka.js';
export { createMessaging, type Messaging, type MessagingOptions } from './create-messaging.js';
export { enqueueEvent } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions } from './outbox-relay.js';
export { processOnce, wasProcessed } from './inbox.js';
export {
  EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type EventHandlers,
} from './event-consumer.js';
export { currentTraceparent, withConsumerSpan } from './trace-context.js';
export type { SqlClient, TransactionalSqlClient } from './sql-client.js';
export type { Logger } from './logger.js';
