import { Topics } from '@switchyard/contracts';
import { queryDb, type Platform } from '@switchyard/testing';
import type { Kafka } from 'kafkajs';
import type { RunData } from './invariants/check.js';
import { CONSUMING_SERVICES } from './invariants/pipeline.js';
import { waitForQuiescence } from './settle.js';

/** The business tables of each service: what a replay must leave exactly as it was. */
const BUSINESS_TABLES: Record<keyof RunData['databases'], string[]> = {
  auth: ['users'],
  order: [
    'products',
    'stock_movements',
    'orders',
    'order_lines',
    'order_status_changes',
    'outbox_events',
  ],
  payment: ['payments', 'payment_refunds', 'order_cancellations', 'outbox_events'],
  notification: [
    'recipients',
    'notifications',
    'email_deliveries',
    'webhook_endpoints',
    'webhook_deliveries',
    'outbox_events',
  ],
  billing: [
    'customers',
    'order_snapshots',
    'subscriptions',
    'subscription_transitions',
    'subscription_charges',
    'billing_documents',
    'document_counters',
    'pending_credit_notes',
    'outbox_events',
  ],
};
/** Bookkeeping: when a row was last touched or retried, not what it says. */
const BOOKKEEPING = [
  'updated_at',
  'next_attempt_at',
  'attempts',
  'last_error',
  'last_status_code',
  'failing_since',
  'published_at',
];

/** A digest of every business table, one per table, leaving out bookkeeping columns. */
export async function businessDigest(data: RunData): Promise<Record<string, string>> {
  const digest: Record<string, string> = {};
  for (const [service, tables] of Object.entries(BUSINESS_TABLES)) {
    const db = data.databases[service as keyof RunData['databases']];
    for (const table of tables) {
      const [row] = await queryDb<{ rows: number; md5: string | null }>(
        db,
        `SELECT count(*)::int AS rows, md5(string_agg(r, E'\\n' ORDER BY r)) AS md5
           FROM (SELECT (to_jsonb(t) - $1::text[])::text AS r FROM "${table}" t) s`,
        [BOOKKEEPING],
      );
      digest[`${service}.${table}`] = `${row!.rows}:${row!.md5 ?? '-'}`;
    }
  }
  return digest;
}

export interface ReplayResult {
  /** Messages the consumers read again. */
  replayedMessages: number;
  changedTables: string[];
  /** From the restart of the consumers until they caught up again. */
  catchUpMs: number | null;
}

/**
 * Reset every consumer group to offset 0 and consume everything again. Idempotent consumers
 * find each event in their inbox and change nothing: the digest of every business table must
 * be the same before and after.
 */
export async function replayEverything(
  platform: Platform,
  kafka: Kafka,
  data: RunData,
  replicas: number,
): Promise<ReplayResult> {
  const before = await businessDigest(data);
  const admin = kafka.admin();
  await admin.connect();
  let replayedMessages = 0;
  try {
    // A group's offsets can only be reset while it has no members.
    for (const service of CONSUMING_SERVICES)
      for (let i = 0; i < replicas; i++) await platform.stopReplica(service, i);
    for (const service of CONSUMING_SERVICES) {
      const groupId = `${platform.namespace}${service}`;
      for (const committed of await admin.fetchOffsets({
        groupId,
        topics: Object.values(Topics).map((t) => platform.namespace + t),
      })) {
        if (committed.partitions.every((p) => Number(p.offset) < 0)) continue;
        const starts = await admin.fetchTopicOffsets(committed.topic);
        for (const p of committed.partitions)
          replayedMessages +=
            Math.max(0, Number(p.offset)) -
            Number(starts.find((s) => s.partition === p.partition)?.low ?? 0);
        await admin.resetOffsets({ groupId, topic: committed.topic, earliest: true });
      }
    }
  } finally {
    await admin.disconnect();
  }
  const restartedAt = Date.now();
  for (const service of CONSUMING_SERVICES)
    for (let i = 0; i < replicas; i++) await platform.startReplica(service, i);
  // Caught up: lag 0 and nothing new in any outbox (orders still pending are not its concern).
  const settled = await waitForQuiescence(data, kafka, platform.namespace, [], 300_000);
  const after = await businessDigest(data);
  const changedTables = Object.keys(before).filter((t) => before[t] !== after[t]);
  return {
    replayedMessages,
    changedTables: changedTables.map((t) => `${t} (${before[t]} → ${after[t]})`),
    catchUpMs: settled.afterMs === null ? null : Date.now() - restartedAt,
  };
}
