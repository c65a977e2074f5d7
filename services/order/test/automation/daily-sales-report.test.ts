import { randomUUID } from 'node:crypto';
import { loadConfig } from '@switchyard/service-kit';
import { queryDb, waitFor } from '@switchyard/testing';
import { DateTime } from 'luxon';
import { buildApp } from '../../src/app.js';
import { dayWindow, dueReport } from '../../src/automation/report-schedule.js';
import { OrderConfig } from '../../src/config.js';
import { startOrderService } from '../support.js';

const TZ = 'Europe/Berlin';

describe('the report schedule', () => {
  const at = (iso: string) => DateTime.fromISO(iso, { zone: TZ }).toJSDate();
  const due = (now: string, graceMs = 3_600_000) =>
    dueReport({ cron: '0 6 * * *', timeZone: TZ, now: at(now), graceMs });

  it('is due at the cron time in the time zone, for the day before, within the grace', () => {
    expect(due('2026-12-05T05:59:59')).toBeNull();
    expect(due('2026-12-05T06:00:00')).toEqual({
      firedAt: at('2026-12-05T06:00:00'),
      reportDate: '2026-12-04',
    });
    expect(due('2026-12-05T06:59:00')?.reportDate).toBe('2026-12-04');
    expect(due('2026-12-05T07:00:01')).toBeNull();
  });

  it('reports a local day: 23 hours when the clocks go forward, 25 when they go back', () => {
    const hours = (d: string) => {
      const w = dayWindow(d, TZ);
      return (w.to.getTime() - w.from.getTime()) / 3_600_000;
    };
    expect(dayWindow('2026-12-04', TZ)).toEqual({
      from: new Date('2026-12-03T23:00:00Z'),
      to: new Date('2026-12-04T23:00:00Z'),
    });
    expect(hours('2026-03-29')).toBe(23);
    expect(hours('2026-10-25')).toBe(25);
  });
});

/**
 * Two replicas on one database, their clock moved by the test (AUTOMATION_TEST_CLOCK): the
 * report of a day is published once, whichever replica gets there, and a day whose claim was
 * left by a replica that died mid-run is reported once the claim has lapsed.
 */
describe('the daily sales report across replicas', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let second: Awaited<ReturnType<typeof buildApp>>;
  // A cron two hours ahead of now (Berlin), so nothing is due until the test moves the clock.
  const hour = (DateTime.now().setZone(TZ).hour + 2) % 24;
  const env = {
    AUTOMATION_TEST_CLOCK: 'true',
    SALES_REPORT_CRON: `0 ${hour} * * *`,
    SALES_REPORT_TZ: TZ,
    SALES_REPORT_MISFIRE_GRACE_SECONDS: '3600',
    SALES_REPORT_LEASE_SECONDS: '2',
    SALES_REPORT_CHECK_INTERVAL_MS: '100',
  };

  beforeAll(async () => {
    service = await startOrderService(env);
    second = await buildApp(loadConfig(OrderConfig, service.ctx.env));
    await Promise.all([service.app.ready(), second.ready()]);
  });
  afterAll(async () => {
    await second.close();
    await service.close();
  });

  const db = <T extends object>(sql: string, params: unknown[] = []) =>
    queryDb<T>(service.ctx.databaseUrl, sql, params);
  const reports = () =>
    db<{ payload: string }>(
      "SELECT payload FROM outbox_events WHERE event_type = 'report.sales_daily' ORDER BY seq",
    ).then((rows) => rows.map((r) => JSON.parse(r.payload)));
  /** Move every replica's clock to just after the schedule's next time after `from`. */
  async function moveClockPastNextRun(from: DateTime): Promise<DateTime> {
    let run = from.setZone(TZ).set({ hour, minute: 0, second: 0, millisecond: 0 });
    if (run <= from) run = run.plus({ days: 1 });
    const offset = run.toMillis() + 1_000 - Date.now();
    await db(
      `INSERT INTO automation_test_clock (id, offset_ms) VALUES (true, $1)
       ON CONFLICT (id) DO UPDATE SET offset_ms = EXCLUDED.offset_ms`,
      [offset],
    );
    return run;
  }

  it('publishes nothing before the cron time, then one report of the day before', async () => {
    await new Promise((r) => setTimeout(r, 500));
    expect(await reports()).toEqual([]);

    const run = await moveClockPastNextRun(DateTime.now());
    const reportDate = run.minus({ days: 1 }).toISODate();
    await waitFor(async () => (await reports()).length > 0, { what: 'the report' });
    await new Promise((r) => setTimeout(r, 1_000)); // both replicas check several times more
    const published = await reports();
    expect(published).toHaveLength(1);
    const window = dayWindow(reportDate!, TZ);
    expect(published[0]).toMatchObject({
      reportDate,
      timeZone: TZ,
      from: window.from.toISOString(),
      to: window.to.toISOString(),
      currencies: expect.any(Array),
      ordersByStatus: expect.objectContaining({ paid: expect.any(Number) }),
    });
    const [day] = await db<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM sales_report_days WHERE report_date = $1',
      [reportDate],
    );
    expect(day).toEqual({ status: 'done', attempts: 1 });
  });

  it('takes over a day whose replica died mid-run once its claim lapses, and reports it once', async () => {
    const [clock] = await db<{ offset_ms: string }>(
      'SELECT offset_ms::text FROM automation_test_clock',
    );
    const current = DateTime.fromMillis(Date.now() + Number(clock!.offset_ms));
    let run = current.setZone(TZ).set({ hour, minute: 0, second: 0, millisecond: 0 });
    if (run <= current) run = run.plus({ days: 1 });
    const reportDate = run.minus({ days: 1 }).toISODate();
    // A replica claimed the day and died before its commit: the claim holds for 2 s more.
    await db(
      `INSERT INTO sales_report_days (report_date, time_zone, status, owner, claimed_until, attempts)
       VALUES ($1, $2, 'running', $3, now() + interval '2 seconds', 1)`,
      [reportDate, TZ, randomUUID()],
    );
    await moveClockPastNextRun(current);
    await new Promise((r) => setTimeout(r, 1_000));
    expect(await reports()).toHaveLength(1); // still only yesterday's: the claim holds

    await waitFor(async () => (await reports()).length === 2, { what: 'the taken-over report' });
    await new Promise((r) => setTimeout(r, 1_000));
    const published = await reports();
    expect(published).toHaveLength(2);
    expect(published[1].reportDate).toBe(reportDate);
    const [day] = await db<{ status: string; attempts: number }>(
      'SELECT status, attempts FROM sales_report_days WHERE report_date = $1',
      [reportDate],
    );
    expect(day).toEqual({ status: 'done', attempts: 2 });
  });
});

describe('the daily sales report turned off', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  afterAll(() => service.close());

  it('never runs, even past its time', async () => {
    service = await startOrderService({
      SALES_REPORT_ENABLED: 'false',
      AUTOMATION_TEST_CLOCK: 'true',
      SALES_REPORT_CHECK_INTERVAL_MS: '100',
    });
    await service.app.ready();
    await queryDb(
      service.ctx.databaseUrl,
      'INSERT INTO automation_test_clock (id, offset_ms) VALUES (true, $1)',
      [86_400_000],
    );
    await new Promise((r) => setTimeout(r, 500));
    expect(await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM sales_report_days')).toEqual([]);
  });
});
