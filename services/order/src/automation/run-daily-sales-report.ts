import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent, type Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import { salesSummary } from '../reports/sales-summary.js';
import { dayWindow } from './report-schedule.js';

export type ReportRunOutcome = 'reported' | 'already_done' | 'claimed_elsewhere';

/**
 * Report one day, once across replicas:
 * 1. claim the day's row with a fresh owner token — a new row, or one whose claim lapsed (its
 *    replica died mid-run); a day done, or held by a live claim, is left alone;
 * 2. sum the day (read-only);
 * 3. in one transaction, mark the day done — only by this owner, exactly one row, or roll back —
 *    and put report.sales_daily in the outbox.
 * A crash before 3 commits leaves a claim that lapses after `leaseSeconds`, and the next check
 * (here or on another replica) does it all again; after 3 commits the day is done and its event
 * on its way (the outbox relay delivers it at least once; the notification service's inbox
 * makes that one email per admin). `force` re-reports a day already done (a resend by hand).
 */
export async function runDailySalesReport(options: {
  db: Db;
  reportDate: string;
  timeZone: string;
  leaseSeconds: number;
  logger: Logger;
  force?: boolean;
}): Promise<ReportRunOutcome> {
  const { db, reportDate, timeZone } = options;
  const owner = randomUUID();
  const claimed = await db.$queryRaw<{ report_date: Date }[]>`
    INSERT INTO sales_report_days (report_date, time_zone, status, owner, claimed_until, attempts)
    VALUES (${reportDate}::date, ${timeZone}, 'running', ${owner}::uuid,
            now() + make_interval(secs => ${options.leaseSeconds}), 1)
    ON CONFLICT (report_date) DO UPDATE
       SET status = 'running', owner = EXCLUDED.owner, claimed_until = EXCLUDED.claimed_until,
           time_zone = EXCLUDED.time_zone, attempts = sales_report_days.attempts + 1
     WHERE (sales_report_days.status = 'running' AND sales_report_days.claimed_until < now())
        OR (${options.force ?? false}::boolean AND sales_report_days.status = 'done')
    RETURNING report_date`;
  if (claimed.length === 0) {
    const [row] = await db.$queryRaw<{ status: string }[]>`
      SELECT status FROM sales_report_days WHERE report_date = ${reportDate}::date`;
    return row?.status === 'done' ? 'already_done' : 'claimed_elsewhere';
  }

  const window = dayWindow(reportDate, timeZone);
  const summary = await salesSummary(db.pool, window);
  const event = createEvent('report.sales_daily', {
    source: 'order',
    subject: reportDate,
    data: { reportDate, timeZone, ...summary },
  });
  await db.$transaction(async (tx) => {
    const done = await tx.$executeRaw`
      UPDATE sales_report_days
         SET status = 'done', owner = NULL, claimed_until = NULL, completed_at = now(),
             event_id = ${event.id}::uuid
       WHERE report_date = ${reportDate}::date AND owner = ${owner}::uuid AND status = 'running'`;
    // Our claim lapsed and another replica took the day over: it reports it, not us.
    if (done !== 1) throw new ClaimLostError(reportDate);
    await enqueueEvent(tx, event);
  });
  options.logger.info(
    { reportDate, timeZone, currencies: summary.currencies.length, eventId: event.id },
    'daily sales report published',
  );
  return 'reported';
}

export class ClaimLostError extends Error {
  override name = 'ClaimLostError';
  constructor(reportDate: string) {
    super(`the claim on the sales report of ${reportDate} lapsed and was taken over`);
  }
}
