import { Type } from '@sinclair/typebox';
import type { ConfigRule } from '@switchyard/service-kit';
import parser from 'cron-parser';
import { IANAZone } from 'luxon';

/** The order service's scheduled automations: the daily sales report and low-stock alerts. */
export const AutomationEnv = Type.Object({
  /** Email the admins the previous day's sales every day (false: never). */
  SALES_REPORT_ENABLED: Type.Boolean({ default: true }),
  /** When the report runs (five-field cron, in SALES_REPORT_TZ); it covers the day before. */
  SALES_REPORT_CRON: Type.String({ minLength: 9, default: '0 6 * * *' }),
  /** The IANA time zone of the schedule and of the reported day (Europe/Berlin). */
  SALES_REPORT_TZ: Type.String({ minLength: 1, default: 'UTC' }),
  /**
   * How late a run may still start after its time (every replica down at 06:00): within this it
   * runs at the next check; after it the day is skipped (resend it by hand, docs/operations.md).
   */
  SALES_REPORT_MISFIRE_GRACE_SECONDS: Type.Integer({ minimum: 60, default: 21_600 }),
  /** How long a replica's claim on a day holds before another may take the day over. */
  SALES_REPORT_LEASE_SECONDS: Type.Integer({ minimum: 1, maximum: 3_600, default: 300 }),
  /** How often each replica checks whether a report is due (no database work when none is). */
  SALES_REPORT_CHECK_INTERVAL_MS: Type.Integer({ minimum: 50, default: 60_000 }),
  /** Alert the admins once when a product's stock falls under its threshold (false: never). */
  LOW_STOCK_ALERTS_ENABLED: Type.Boolean({ default: true }),
  /** The threshold of a product that has none of its own. */
  LOW_STOCK_DEFAULT_THRESHOLD: Type.Integer({ minimum: 0, maximum: 1_000_000, default: 5 }),
  /** How often the alerts recorded by stock changes are moved to the outbox. */
  LOW_STOCK_DISPATCH_INTERVAL_MS: Type.Integer({ minimum: 50, default: 5_000 }),
  /**
   * Tests only: the automations read their time from a clock an offset in the database moves
   * forward (automation_test_clock), shared by every replica. Never in production.
   */
  AUTOMATION_TEST_CLOCK: Type.Boolean({ default: false }),
});

/** The schedule's cron expression and time zone must parse: one line naming the variable. */
export const automationScheduleRule: ConfigRule<{
  SALES_REPORT_CRON: string;
  SALES_REPORT_TZ: string;
}> = (config) => {
  if (!IANAZone.isValidZone(config.SALES_REPORT_TZ))
    return `invalid environment variable SALES_REPORT_TZ: not an IANA time zone (e.g. Europe/Berlin)`;
  try {
    parser.parseExpression(config.SALES_REPORT_CRON, { tz: config.SALES_REPORT_TZ });
  } catch (error) {
    return `invalid environment variable SALES_REPORT_CRON: ${(error as Error).message}`;
  }
  return undefined;
};
