#!/usr/bin/env node
// Send a day's sales report (again): `pnpm --filter @switchyard/order send-sales-report
// <YYYY-MM-DD>`. Reads DATABASE_URL and SALES_REPORT_TZ (the day is a day there). Puts a new
// report.sales_daily in the outbox, which a running order replica's relay publishes; the admins
// get it as a new email (it is a new event). A day being reported right now is left alone.
import { Type } from '@sinclair/typebox';
import { DatabaseEnv, loadConfigOrExit } from '@switchyard/service-kit';
import { DateTime } from 'luxon';
import { automationScheduleRule, AutomationEnv } from '../automation/automation-config.js';
import { runDailySalesReport } from '../automation/run-daily-sales-report.js';
import { createDb } from '../db.js';

const [reportDate, ...rest] = process.argv.slice(2);
if (!reportDate || rest.length > 0 || !DateTime.fromISO(reportDate).isValid) {
  console.error('usage: send-sales-report <YYYY-MM-DD>');
  process.exit(2);
}
const config = loadConfigOrExit(Type.Composite([DatabaseEnv, AutomationEnv]), [
  automationScheduleRule,
]);
const db = createDb(config.DATABASE_URL);
const logger = {
  child: () => logger,
  error: (obj: object, msg?: string) => console.error(msg ?? '', obj),
  warn: (obj: object, msg?: string) => console.error(msg ?? '', obj),
  info: (obj: object | string, msg?: string) => console.log(msg ?? '', obj),
  debug: () => {},
};
try {
  const outcome = await runDailySalesReport({
    db,
    reportDate,
    timeZone: config.SALES_REPORT_TZ,
    leaseSeconds: config.SALES_REPORT_LEASE_SECONDS,
    logger,
    force: true,
  });
  if (outcome === 'claimed_elsewhere') {
    console.error(`the report of ${reportDate} is being sent by a replica right now`);
    process.exitCode = 1;
  }
} finally {
  await db.$disconnect();
}
