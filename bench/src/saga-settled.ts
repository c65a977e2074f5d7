// When the work an order causes is over: the order paid (or cancelled), and what the platform
// says about it — in-app notifications and emails — written and sent. A CPU window that ends
// earlier leaves the notification service's and the SMTP capture's share of the order out.
import { queryDb, waitFor } from '@switchyard/testing';
import type { SagaTarget } from './target.js';

const count = async (url: string, sql: string, values: unknown[] = []) =>
  (await queryDb<{ n: number }>(url, sql, values))[0]!.n;

/** Wait until none of these orders is pending payment; seconds waited. */
export async function waitForOrdersSettled(stand: SagaTarget, orderIds: string[]): Promise<number> {
  const started = Date.now();
  await waitFor(
    async () =>
      (await count(
        stand.orderDatabaseUrl,
        `SELECT count(*)::int AS n FROM orders WHERE status = 'pending_payment' AND id = ANY($1::uuid[])`,
        [orderIds],
      )) === 0,
    { timeoutMs: 600_000, intervalMs: 100, what: 'every order paid or cancelled' },
  );
  return (Date.now() - started) / 1000;
}

/**
 * Wait until the notification service is done: no email left to send, and no new notification
 * for `quietMs` (the last events of the saga have been consumed). Returns how many
 * notifications and emails exist then.
 */
export async function waitForNotificationsDone(
  stand: SagaTarget,
  quietMs = 1_000,
): Promise<{ notifications: number; emailsSent: number }> {
  const url = stand.notificationDatabaseUrl;
  let last = -1;
  let since = Date.now();
  // A backlog of emails drains at the sender's pace, which can take longer than the load did:
  // wait as long as it moves, and give up only when nothing has moved for two minutes.
  let pendingBefore = Number.POSITIVE_INFINITY;
  let movedAt = Date.now();
  for (;;) {
    const now = await count(url, 'SELECT count(*)::int AS n FROM notifications');
    if (now !== last) [last, since] = [now, Date.now()];
    const pending = await count(
      url,
      `SELECT count(*)::int AS n FROM email_deliveries WHERE status = 'pending'`,
    );
    if (pending === 0 && Date.now() - since >= quietMs) break;
    if (pending < pendingBefore) [pendingBefore, movedAt] = [pending, Date.now()];
    if (Date.now() - movedAt > 120_000)
      throw new Error(`${pending} emails pending and none sent for two minutes`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  return {
    notifications: last,
    emailsSent: await count(
      url,
      `SELECT count(*)::int AS n FROM email_deliveries WHERE status = 'sent'`,
    ),
  };
}
