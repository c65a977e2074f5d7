import type { Db } from '../db.js';

/**
 * Subscriptions with something due at `now`: a period that ended (renew or end it), or a
 * dunning retry whose time came. Both through partial indexes; bounded per pass, the next
 * pass takes the rest.
 */
export async function findDueSubscriptions(db: Db, now: Date, limit = 500): Promise<string[]> {
  const rows = await db.$queryRaw<{ id: string }[]>`
    (SELECT id::text FROM subscriptions
      WHERE status IN ('trialing', 'active') AND current_period_end <= ${now}
      ORDER BY current_period_end LIMIT ${limit})
    UNION
    (SELECT id::text FROM subscriptions
      WHERE status = 'past_due' AND next_retry_at <= ${now}
      ORDER BY next_retry_at LIMIT ${limit})`;
  return rows.map((row) => row.id);
}
