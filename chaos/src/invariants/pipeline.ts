import { Topics } from '@switchyard/contracts';
import { listDeadLetters } from '@switchyard/messaging';
import { queryDb } from '@switchyard/testing';
import type { Kafka } from 'kafkajs';
import { checkResult, type CheckResult, type RunData } from './check.js';

export const CONSUMING_SERVICES = ['order', 'payment', 'notification', 'billing'] as const;

/** Rows every service's outbox still holds unpublished, and those parked after refusals. */
export async function outboxBacklog(data: RunData) {
  const backlog: Record<string, { unpublished: number; parked: number }> = {};
  for (const [service, db] of Object.entries(data.databases)) {
    const [row] = await queryDb<{ unpublished: number; parked: number }>(
      db,
      `SELECT count(*) FILTER (WHERE published_at IS NULL AND parked_at IS NULL)::int AS unpublished,
              count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked
         FROM outbox_events`,
    );
    backlog[service] = row!;
  }
  return backlog;
}

/** Messages on the topics that each consuming service's group has not committed yet. */
export async function consumerLag(
  kafka: Kafka,
  namespace: string,
): Promise<Record<string, number>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const lag: Record<string, number> = {};
    for (const service of CONSUMING_SERVICES) {
      const groupId = `${namespace}${service}`;
      let total = 0;
      for (const committed of await admin.fetchOffsets({
        groupId,
        topics: Object.values(Topics).map((t) => namespace + t),
      })) {
        const ends = await admin.fetchTopicOffsets(committed.topic);
        for (const p of committed.partitions) {
          const end = Number(ends.find((e) => e.partition === p.partition)?.high ?? 0);
          // -1: nothing committed yet; what is on the partition counts as lag only when the
          // group reads that topic at all (a topic it does not subscribe to has no offsets).
          const at = Number(p.offset);
          if (at >= 0) total += Math.max(0, end - at);
        }
      }
      lag[service] = total;
    }
    return lag;
  } finally {
    await admin.disconnect();
  }
}

/**
 * At the end the pipeline is empty: every outbox drained, every consumer group caught up. The
 * dead-letter topics are reported with the cause of each entry; an entry is a problem only
 * when nothing explains it (the run injects no poison messages).
 */
export async function checkPipeline(
  data: RunData,
  kafka: Kafka,
  namespace: string,
): Promise<CheckResult> {
  const problems: string[] = [];
  const figures: Record<string, number> = {};
  for (const [service, b] of Object.entries(await outboxBacklog(data))) {
    figures[`outbox_unpublished_${service}`] = b.unpublished;
    figures[`outbox_parked_${service}`] = b.parked;
    if (b.unpublished) problems.push(`${service}: ${b.unpublished} outbox rows not published`);
    if (b.parked) problems.push(`${service}: ${b.parked} outbox rows parked`);
  }
  for (const [service, lag] of Object.entries(await consumerLag(kafka, namespace))) {
    figures[`lag_${service}`] = lag;
    if (lag) problems.push(`${service}: consumer lag ${lag}`);
  }
  let deadLetters = 0;
  for (const topic of Object.values(Topics)) {
    for (const letter of await listDeadLetters(kafka, { topic: namespace + topic, limit: 1000 })) {
      deadLetters++;
      problems.push(
        `dead letter ${letter.eventType} ${letter.eventId} (group ${letter.consumerGroup}): ${letter.reason}`,
      );
    }
  }
  figures.deadLetters = deadLetters;
  return checkResult(
    'pipeline: outboxes drained, lag 0, dead letters explained',
    figures,
    problems,
  );
}
