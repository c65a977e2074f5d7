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
  // Billing: a charge awaiting its outcome, or a renewal or retry due on billing's clock.
  const [billing] = await queryDb<{ charges: number; due: number }>(
    data.databases.billing,
    `WITH clock AS (
       SELECT now() + coalesce((SELECT offset_ms FROM test_clock WHERE id), 0) * interval '1 ms' AS now)
     SELECT (SELECT count(*) FROM subscription_charges WHERE status = 'pending')::int AS charges,
            (SELECT count(*) FROM subscriptions s, clock
              WHERE (s.status IN ('active', 'trialing') AND s.current_period_end <= clock.now)
                 OR (s.status = 'past_due' AND s.next_retry_at <= clock.now))::int AS due`,
  );
  return {
    outbox,
    lag,
    pendingOrders: orders!.n,
    pendingEmails: notifications!.emails,
    pendingWebhooks: notifications!.webhooks,
    pendingSubscriptionCharges: billing!.charges,
    dueSubscriptions: billing!.due,
  };
}

/**
 * Wait until nothing moves any more — outboxes drained, consumers caught up, no order pending
 * payment, no email or webhook waiting, no subscription charge or renewal waiting — and stays so for two polls; or until `timeoutMs`.
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
