export { createKafka, createProducer, ensureTopics, type KafkaOptions } from './kafka.js';
export {
  kafkaCredentialsOf,
  type KafkaCredentials,
  type KafkaCredentialSettings,
} from './kafka-credentials.js';
export {
  createMessaging,
  type Messaging,
  type MessagingOptions,
  type MessagingStatus,
  type KafkaSettings,
} from './create-messaging.js';
export { enqueueEvent, outboxRow, OUTBOX_INSERT_COLUMNS, outboxWrites } from './outbox.js';
export { OutboxRelay, type OutboxRelayOptions, type PublishedEvent } from './outbox-relay.js';
export { processOnce, wasProcessed } from './inbox.js';
export {
  EventConsumer,
  type EventConsumerOptions,
  type EventHandler,
  type EventHandlers,
  type SelfRecordingHandler,
  type SelfRecordingHandlers,
  type ConsumerTiming,
  defaultConsumerTiming,
} from './event-consumer.js';
export type { ConsumerState } from './consumer-metrics.js';
export { TransientError, isTransientError } from '@switchyard/service-kit';
export { transientRetryDelayMs } from './retry-policy.js';
export { currentTraceparent, withConsumerSpan } from './trace-context.js';
export type { SqlClient, TransactionalSqlClient } from './sql-client.js';
export type { Logger } from './logger.js';
export {
  findDeadLetter,
  listDeadLetters,
  readDeadLetters,
  replayDeadLetter,
  republishDeadLetters,
  type ReadDeadLetter,
  DeadLetterNotFound,
  DeadLetterReplayRefused,
  type DeadLetter,
} from './dead-letters.js';
export { deadLetterRoutes, type DeadLetterRoutesOptions } from './dead-letter-routes.js';
export { messagingStatusRoutes } from './messaging-status-routes.js';
export { readMessagingStatus, type MessagingStatusReport } from './messaging-status.js';
export { readOutboxStats, type OutboxStats } from './outbox-stats.js';
export {
  discardDeadLetters,
  replayDeadLetters,
  type DeadLetterActionContext,
} from './dead-letter-actions.js';
export { DeadLetterFilter, MatchingAction, DeadLetterView } from './dead-letter-schemas.js';
export { grantKafkaAcls, kafkaAclEntriesOf } from './kafka-acls.js';
export {
  createServiceApp,
  type ServiceAppConfig,
  type ServiceAppOptions,
  type ServiceDatabase,
  type ServiceParts,
} from './service-app.js';
export {
  addServiceLifecycle,
  type BackgroundTask,
  type LifecycleParts,
} from './service-lifecycle.js';
