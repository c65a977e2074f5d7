/** A plan's billing interval. */
export interface Interval {
  interval: 'month' | 'year';
  intervalCount: number;
}

const DAY_MS = 86_400_000;

/**
 * The end of the period `count` intervals after `anchor`, in UTC. Months keep the anchor's day
 * of month and clamp it to the month's last day (31 Jan → 28/29 Feb → 31 Mar), as Stripe does:
 * every period is computed from the anchor, never from the previous (clamped) end, so a
 * subscription started on the 31st keeps renewing on the last day of each month.
 */
export function addIntervals(anchor: Date, { interval, intervalCount }: Interval, count = 1): Date {
  const months = (interval === 'year' ? 12 : 1) * intervalCount * count;
  const y = anchor.getUTCFullYear();
  const m = anchor.getUTCMonth() + months;
  const targetYear = y + Math.floor(m / 12);
  const targetMonth = ((m % 12) + 12) % 12;
  const lastDay = new Date(Date.UTC(targetYear, targetMonth + 1, 0)).getUTCDate();
  const day = Math.min(anchor.getUTCDate(), lastDay);
  return new Date(
    Date.UTC(
      targetYear,
      targetMonth,
      day,
      anchor.getUTCHours(),
      anchor.getUTCMinutes(),
      anchor.getUTCSeconds(),
      anchor.getUTCMilliseconds(),
    ),
  );
}

/** The period that follows the one ending at `periodEnd`, anchored on `anchor`. */
export function nextPeriod(
  anchor: Date,
  periodEnd: Date,
  interval: Interval,
): { start: Date; end: Date } {
  // The count of whole intervals from the anchor to the end just reached, then one more.
  let n = 1;
  while (addIntervals(anchor, interval, n).getTime() <= periodEnd.getTime()) n++;
  return { start: periodEnd, end: addIntervals(anchor, interval, n) };
}

export const addDays = (at: Date, days: number): Date => new Date(at.getTime() + days * DAY_MS);
