import { queryDb } from '@switchyard/testing';
import { checkResult, type CheckResult, type RunData } from './check.js';

interface SubscriptionRow {
  id: string;
  status: string;
  current_period_start: Date;
  current_period_end: Date;
  next_retry_at: Date | null;
  overdue: boolean;
}

/**
 * Every subscription settles: none lost (a 201 and no row), none stuck — a first charge or any
 * charge never answered, a renewal or dunning retry due on billing's clock and not run — and
 * each one's paid periods follow one another without gap or overlap, the last being its
 * current period. With the clock moved (`clockSteps`), renewals must have happened at all.
 */
export async function checkSubscriptions(
  data: RunData,
  subscribed: string[] = [],
  clockSteps = 0,
): Promise<CheckResult> {
  const db = data.databases.billing;
  // Billing's now: the database's clock plus the test clock's offset (what every replica uses).
  const subs = await queryDb<SubscriptionRow>(
    db,
    `WITH clock AS (
       SELECT now() + coalesce((SELECT offset_ms FROM test_clock WHERE id), 0) * interval '1 ms' AS now)
     SELECT s.id::text, s.status, s.current_period_start, s.current_period_end, s.next_retry_at,
            (s.status IN ('active', 'trialing') AND s.current_period_end <= clock.now)
              OR (s.status = 'past_due' AND s.next_retry_at <= clock.now) AS overdue
       FROM subscriptions s, clock`,
  );
  const paid = await queryDb<{ subscription_id: string; period_start: Date; period_end: Date }>(
    db,
    `SELECT subscription_id::text, period_start, period_end FROM subscription_charges
      WHERE kind = 'period' AND status = 'succeeded' ORDER BY subscription_id, period_start`,
  );
  const pending = await queryDb<{ id: string; subscription_id: string }>(
    db,
    "SELECT id::text, subscription_id::text FROM subscription_charges WHERE status = 'pending'",
  );
  const problems: string[] = [];
  const known = new Set(subs.map((s) => s.id));
  const lost = subscribed.filter((id) => !known.has(id));
  for (const id of lost) problems.push(`subscription ${id} got a 201 and does not exist`);
  for (const c of pending)
    problems.push(`subscription ${c.subscription_id}: charge ${c.id} still pending`);
  const periodsOf = new Map<string, typeof paid>();
  for (const p of paid)
    periodsOf.set(p.subscription_id, [...(periodsOf.get(p.subscription_id) ?? []), p]);
  let renewals = 0;
  let overdue = 0;
  for (const s of subs) {
    if (s.status === 'incomplete')
      problems.push(`subscription ${s.id}: first charge never settled`);
    if (s.overdue) {
      overdue++;
      problems.push(
        `subscription ${s.id} (${s.status}): ${s.status === 'past_due' ? `retry due ${s.next_retry_at?.toISOString()}` : `renewal due ${s.current_period_end.toISOString()}`}, not run`,
      );
    }
    const periods = periodsOf.get(s.id) ?? [];
    renewals += Math.max(0, periods.length - 1);
    for (let i = 1; i < periods.length; i++)
      if (periods[i]!.period_start.getTime() !== periods[i - 1]!.period_end.getTime())
        problems.push(
          `subscription ${s.id}: paid period ${periods[i]!.period_start.toISOString()} does not follow ${periods[i - 1]!.period_end.toISOString()}`,
        );
    const last = periods.at(-1);
    if (
      (s.status === 'active' || s.status === 'past_due') &&
      last?.period_start.getTime() !== s.current_period_start.getTime()
    )
      problems.push(
        `subscription ${s.id} (${s.status}): current period ${s.current_period_start.toISOString()} is not its last paid one (${last?.period_start.toISOString() ?? 'none'})`,
      );
  }
  if (clockSteps > 0 && subscribed.length > 0 && renewals === 0)
    problems.push(`billing's clock moved ${clockSteps} months and no subscription renewed`);
  const byStatus: Record<string, number> = {};
  for (const s of subs) byStatus[`status_${s.status}`] = (byStatus[`status_${s.status}`] ?? 0) + 1;
  return checkResult(
    'subscriptions: none lost, none stuck, paid periods back to back',
    {
      subscriptions: subs.length,
      accepted: subscribed.length,
      lost: lost.length,
      pendingCharges: pending.length,
      overdue,
      renewals,
      clockSteps,
      ...byStatus,
    },
    problems,
  );
}
