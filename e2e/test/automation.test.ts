// The order service's automations end to end: the daily sales report reaches the admins'
// mailboxes exactly once with two order replicas running and one killed with -9 as the report
// comes due, and a low-stock crossing alerts them once — every process real, the clock moved
// by the test (AUTOMATION_TEST_CLOCK), mail caught by the SMTP capture.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { DateTime } from 'luxon';
import { queryDb, startPlatform, waitFor, type Platform } from '@switchyard/testing';
import { apiClient } from './client.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const POSTER = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0005';
const TZ = 'Europe/Berlin';
// Two hours ahead of now in Berlin: nothing is due until the test moves the clock.
const HOUR = (DateTime.now().setZone(TZ).hour + 2) % 24;

describe('scheduled automation', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;
  let admin: { email: string; token: string };
  let orderDb: string;

  beforeAll(async () => {
    platform = await startPlatform({
      replicas: { order: 2 },
      env: {
        AUTOMATION_TEST_CLOCK: 'true',
        SALES_REPORT_CRON: `0 ${HOUR} * * *`,
        SALES_REPORT_TZ: TZ,
        SALES_REPORT_MISFIRE_GRACE_SECONDS: '3600',
        SALES_REPORT_LEASE_SECONDS: '3',
        SALES_REPORT_CHECK_INTERVAL_MS: '200',
        LOW_STOCK_DEFAULT_THRESHOLD: '3',
        LOW_STOCK_DISPATCH_INTERVAL_MS: '200',
      },
    });
    // The answers are checked against the gateway's merged OpenAPI document, fetched at the
    // first call: wait until it holds the services' paths (a busy machine's first merge may not).
    await waitFor(
      async () => {
        const doc = (await (await fetch(`${platform.gatewayUrl}/docs/json`)).json()) as {
          paths?: Record<string, unknown>;
        };
        return ['/v1/auth/register', '/v1/orders', '/v1/admin/products/{id}/low-stock'].every(
          (p) => doc.paths?.[p],
        );
      },
      { what: 'the merged OpenAPI document', timeoutMs: 60_000 },
    );
    api = apiClient(platform.gatewayUrl);
    const email = `automation-${randomUUID()}@example.com`;
    expect((await api.post('/v1/auth/register', { email, password, name: 'Ops' })).status).toBe(
      201,
    );
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    admin = {
      email,
      token: (await api.post('/v1/auth/login', { email, password })).body.accessToken,
    };
    orderDb = platform.processes.find((p) => p.name === 'order')!.database!.url;
    const notificationDb = platform.processes.find((p) => p.name === 'notification')!.database!.url;
    // The notification service knows the admin once auth's user.access_changed has arrived.
    await waitFor(
      async () =>
        (await queryDb(notificationDb, "SELECT 1 FROM staff_members WHERE 'admin' = ANY (roles)"))
          .length === 1,
      { what: 'the admin known to notification', timeoutMs: 60_000 },
    );
  }, 240_000);

  afterAll(async () => {
    await platform?.stop();
  }, 60_000);

  const mails = async (subject: string) =>
    (await platform.smtp.emailsTo(admin.email)).filter((m) => m.subject === subject);

  it('emails the sales report once though a replica is killed as it comes due', async () => {
    // Something to report: a paid order, through the gateway.
    const customerEmail = `buyer-${randomUUID()}@example.com`;
    await api.post('/v1/auth/register', { email: customerEmail, password, name: 'Bo' });
    const buyer = (await api.post('/v1/auth/login', { email: customerEmail, password })).body
      .accessToken;
    const placed = await api.call('POST', '/v1/orders', {
      token: buyer,
      body: { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(placed.status).toBe(201);
    await waitFor(
      async () => (await api.get(`/v1/orders/${placed.body.id}`, buyer)).body.status === 'paid',
      { what: 'paid', timeoutMs: 60_000 },
    );

    // Move both replicas' clock to just past the next run, and kill one of them at once.
    let runAt = DateTime.now()
      .setZone(TZ)
      .set({ hour: HOUR, minute: 0, second: 0, millisecond: 0 });
    if (runAt <= DateTime.now()) runAt = runAt.plus({ days: 1 });
    const reportDate = runAt.minus({ days: 1 }).toISODate()!;
    // The paid order counts on the reported day: its payment is dated into it.
    const inDay = DateTime.fromISO(reportDate, { zone: TZ }).set({ hour: 12 }).toJSDate();
    await queryDb(
      orderDb,
      "UPDATE order_status_changes SET created_at = $2 WHERE order_id = $1 AND to_status = 'paid'",
      [placed.body.id, inDay],
    );
    await queryDb(orderDb, 'INSERT INTO automation_test_clock (id, offset_ms) VALUES (true, $1)', [
      runAt.toMillis() + 1_000 - Date.now(),
    ]);
    await platform.kill('order', 1, { restartAfterMs: 1_000 });

    const subject = `Sales report for ${reportDate}`;
    const [mail] = await waitFor(
      async () => {
        const found = await mails(subject);
        return found.length > 0 && found;
      },
      { what: 'the report email', timeoutMs: 60_000 },
    );
    expect(mail!.text).toContain('EUR: 1 paid orders, revenue EUR 25.00');
    // Long enough for a lapsed claim to be taken over and for any second email to arrive.
    await new Promise((r) => setTimeout(r, 8_000));
    expect(await mails(subject)).toHaveLength(1);
    const days = await queryDb<{ status: string }>(
      orderDb,
      'SELECT status FROM sales_report_days WHERE report_date = $1',
      [reportDate],
    );
    expect(days).toEqual([{ status: 'done' }]);
  }, 120_000);

  it('alerts the admins once when a product falls under its threshold', async () => {
    const set = await api.call('PUT', `/v1/admin/products/${POSTER}/low-stock`, {
      token: admin.token,
      body: { threshold: 4 },
    });
    expect(set.status).toBe(200);
    const buyerEmail = `poster-${randomUUID()}@example.com`;
    await api.post('/v1/auth/register', { email: buyerEmail, password, name: 'Cy' });
    const buyer = (await api.post('/v1/auth/login', { email: buyerEmail, password })).body
      .accessToken;
    for (let i = 0; i < 3; i++) {
      const res = await api.call('POST', '/v1/orders', {
        token: buyer,
        body: { lines: [{ productId: POSTER, quantity: 1 }], paymentMethod: 'pm_card_visa' },
        headers: { 'idempotency-key': randomUUID() },
      });
      expect(res.status).toBe(201);
    }
    const subject = 'Low stock: Network map poster (MAP-001)';
    await waitFor(async () => (await mails(subject)).length > 0, {
      what: 'the alert email',
      timeoutMs: 60_000,
    });
    await new Promise((r) => setTimeout(r, 3_000));
    expect(await mails(subject)).toHaveLength(1);
  }, 120_000);
});
