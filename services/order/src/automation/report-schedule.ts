import parser from 'cron-parser';
import { DateTime } from 'luxon';
import type { SalesWindow } from '../reports/sales-summary.js';

/** A run of the daily report that is due: its scheduled time and the day it reports on. */
export interface DueReport {
  firedAt: Date;
  /** The day before the run's own day, in the schedule's time zone (YYYY-MM-DD). */
  reportDate: string;
}

/**
 * The report due at `now`: the schedule's latest time at or before it, if that is no more than
 * `graceMs` ago (a replica that starts hours after a missed run does not send a stale report
 * unasked). The cron expression is read in the time zone, so "0 6 * * *" is six o'clock local
 * time across daylight-saving changes.
 */
export function dueReport(options: {
  cron: string;
  timeZone: string;
  now: Date;
  graceMs: number;
}): DueReport | null {
  // prev() is strictly before currentDate: start a millisecond on, so a run exactly at its time
  // is due too.
  const firedAt = parser
    .parseExpression(options.cron, {
      currentDate: new Date(options.now.getTime() + 1),
      tz: options.timeZone,
    })
    .prev()
    .toDate();
  if (options.now.getTime() - firedAt.getTime() > options.graceMs) return null;
  const reportDate = DateTime.fromJSDate(firedAt, { zone: options.timeZone })
    .minus({ days: 1 })
    .toISODate()!;
  return { firedAt, reportDate };
}

/** A calendar day in a time zone as an instant range: its midnight to the next (23–25 hours). */
export function dayWindow(reportDate: string, timeZone: string): SalesWindow {
  const start = DateTime.fromISO(reportDate, { zone: timeZone }).startOf('day');
  return { from: start.toJSDate(), to: start.plus({ days: 1 }).toJSDate() };
}
