import { deadLetterTopicOf } from '@switchyard/contracts';
import type { Admin } from 'kafkajs';
import type { Messaging } from './create-messaging.js';
import { countMessages, withTimeout } from './dead-letter-gauge.js';
import { readOutboxStats, type OutboxStats } from './outbox-stats.js';
import type { SqlClient } from './sql-client.js';

export interface PartitionLag {
  topic: string;
  partition: number;
  /** Messages on the partition the group has not committed past yet. */
  lag: number;
}

/** How one service's messaging stands now, as an operator's dashboard shows it. */
export interface MessagingStatusReport {
  service: string;
  outbox: OutboxStats;
  /** Null for a service that consumes nothing, or when Kafka did not answer. */
  consumer: { group: string; lag: number; partitions: PartitionLag[] } | null;
  /** Messages on its dead-letter topics; null when it consumes nothing or Kafka did not answer. */
  deadLetters: number | null;
  kafka: 'ok' | 'unavailable';
}

/**
 * The outbox from the service's database, the consumer group's lag (each partition's high
 * watermark less the group's committed offset) and its dead-letter topics' size from Kafka:
 * the same figures as the outbox_oldest_pending_age_seconds and dead_letter_messages metrics.
 * A Kafka that does not answer makes its parts null, never the whole report fail.
 */
export async function readMessagingStatus(options: {
  messaging: Messaging;
  db: SqlClient;
}): Promise<MessagingStatusReport> {
  const { messaging } = options;
  const outbox = await readOutboxStats(options.db);
  const report: MessagingStatusReport = {
    service: messaging.service,
    outbox,
    consumer: null,
    deadLetters: null,
    kafka: 'ok',
  };
  const consumes = messaging.consumes;
  const admin = messaging.kafka.admin();
  try {
    await withTimeout(admin.connect());
    if (!consumes) {
      await withTimeout(admin.describeCluster());
      return report;
    }
    const topics = consumes.topics.map((topic) => consumes.namespace + topic);
    const partitions = await lagOf(admin, consumes.groupId, topics, consumes.namespace);
    report.consumer = {
      group: consumes.groupId,
      lag: partitions.reduce((sum, p) => sum + p.lag, 0),
      partitions,
    };
    let deadLetters = 0;
    for (const topic of topics) deadLetters += await countMessages(admin, deadLetterTopicOf(topic));
    report.deadLetters = deadLetters;
  } catch {
    report.kafka = 'unavailable';
  } finally {
    await admin.disconnect().catch(() => {});
  }
  return report;
}

async function lagOf(
  admin: Admin,
  groupId: string,
  topics: string[],
  namespace: string,
): Promise<PartitionLag[]> {
  const committed = await withTimeout(admin.fetchOffsets({ groupId, topics }));
  const lags: PartitionLag[] = [];
  for (const { topic, partitions } of committed) {
    const watermarks = await withTimeout(admin.fetchTopicOffsets(topic));
    for (const mark of watermarks) {
      const offset = Number(partitions.find((p) => p.partition === mark.partition)?.offset ?? -1);
      // Nothing committed yet: everything still on the partition waits.
      const from = offset < 0 ? Number(mark.low) : offset;
      lags.push({
        topic: topic.slice(namespace.length),
        partition: mark.partition,
        lag: Math.max(0, Number(mark.high) - from),
      });
    }
  }
  return lags.sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition);
}
