import { setTimeout as sleep } from 'node:timers/promises';
import { queryDb } from '@switchyard/testing';
import type { Kafka } from 'kafkajs';
import type { RunData } from './invariants/check.js';
import { consumerLag, outboxBacklog } from './invariants/pipeline.js';

/** What is still moving; all zero when the platform is quiet. */
export async function inFlight(data: RunData, kafka: Kafka, namespace: string, orderIds: string[]) {
  const outbox = Object.values(await outboxBacklog(data)).reduce((s, b) => s + b.unpublished, 0);
  const lag = Object.values(await consumerLag(kafka, namespace)).reduce((a, b) => a + b, 0);
  const [orders] = await queryDb<{ n: number }>(
    data.databases.order,
    "SELECT count(*)::int AS n FROM orders WHERE status = 'pending_payment' AND id = ANY($1::uuid[])",
    [orderIds],
  );
  const [notifications] = await queryDb<{ emails: number; webhooks: number }>(
    data.databases.notification,
    `SELECT (SELECT count(*) FROM email_deliveries WHERE status = 'pending')::int AS emails,
            (SELECT count(*) FROM webhook_deliveries WHERE status = 'pending')::int AS webhooks`,
  );
  return {
    outbox,
    lag,
    pendingOrders: orders!.n,
    pendingEmails: notifications!.emails,
    pendingWebhooks: notifications!.webhooks,
  };
}

/**
 * Wait until nothing moves any more — outboxes drained, consumers caught up, no order pending
 * payment, no email or webhook waiting — and stays so for two polls; or until `timeoutMs`.
 * Returns how long it took, or null and what was still moving.
 */
export async function waitForQuiescence(
  data: RunData,
  kafka: Kafka,
  namespace: string,
  orderIds: string[],
  timeoutMs: number,
): Promise<{ afterMs: number | null; lastSeen: Awaited<ReturnType<typeof inFlight>> | null }> {
  const started = Date.now();
  let quietPolls = 0;
  let lastSeen: Awaited<ReturnType<typeof inFlight>> | null = null;
  while (Date.now() - started < timeoutMs) {
    lastSeen = await inFlight(data, kafka, namespace, orderIds).catch(() => null);
    const quiet = lastSeen !== null && Object.values(lastSeen).every((n) => n === 0);
    quietPolls = quiet ? quietPolls + 1 : 0;
    if (quietPolls >= 2) return { afterMs: Date.now() - started, lastSeen };
    await sleep(1_000);
  }
  return { afterMs: null, lastSeen };
}
