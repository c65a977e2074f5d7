import type { Logger } from '@switchyard/messaging';
import { PeriodicTask } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { AutomationClock } from './automation-clock.js';
import { dueReport } from './report-schedule.js';
import { runDailySalesReport } from './run-daily-sales-report.js';

/**
 * The daily sales report's scheduler, in every replica: each check reads the clock, works out
 * which day's report is due (cron + time zone, within the misfire grace) and, unless this
 * replica already saw that day done, runs it — the day's row decides which replica does the
 * work (runDailySalesReport). Between runs a check touches no database (the clock aside, in
 * tests).
 */
export function dailySalesReportTask(options: {
  db: Db;
  clock: AutomationClock;
  cron: string;
  timeZone: string;
  graceSeconds: number;
  leaseSeconds: number;
  intervalMs: number;
  logger: Logger;
  /** After a report was put in the outbox: wake the relay. */
  onReported: () => void;
}): PeriodicTask {
  let lastSettled: string | null = null;
  return new PeriodicTask({
    name: 'daily sales report',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => {
      const due = dueReport({
        cron: options.cron,
        timeZone: options.timeZone,
        now: await options.clock.now(),
        graceMs: options.graceSeconds * 1000,
      });
      if (!due || due.reportDate === lastSettled) return;
      const outcome = await runDailySalesReport({
        db: options.db,
        reportDate: due.reportDate,
        timeZone: options.timeZone,
        leaseSeconds: options.leaseSeconds,
        logger: options.logger,
      });
      // A claim held elsewhere may still fail: check again next time until the day is done.
      if (outcome !== 'claimed_elsewhere') lastSettled = due.reportDate;
      if (outcome === 'reported') options.onReported();
    },
  });
}
