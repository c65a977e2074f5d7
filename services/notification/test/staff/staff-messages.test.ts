import { randomUUID } from 'node:crypto';
import { createEvent, type EventPayload } from '@switchyard/contracts';
import {
  publishEvent,
  queryDb,
  startSmtpCapture,
  waitFor,
  type CapturedEmail,
  type SmtpCapture,
} from '@switchyard/testing';
import { salesReportCsv } from '../../src/staff/sales-report-csv.js';
import { closeAfterTests, startNotificationService } from '../support.js';

interface CapturedAttachment {
  fileName: string;
  generatedFileName: string;
  contentType: string;
}

const report: EventPayload<'report.sales_daily'> = {
  reportDate: '2026-12-03',
  timeZone: 'Europe/Berlin',
  from: '2026-12-02T23:00:00.000Z',
  to: '2026-12-03T23:00:00.000Z',
  currencies: [
    {
      currency: 'EUR',
      paidOrders: 3,
      revenue: { amount: 13_650, currency: 'EUR' },
      refunds: { count: 1, amount: { amount: 1250, currency: 'EUR' } },
      topProducts: [
        {
          productId: randomUUID(),
          name: 'Switchyard enamel mug, "blue"',
          quantity: 4,
          revenue: { amount: 5000, currency: 'EUR' },
        },
        {
          productId: randomUUID(),
          name: '=HYPERLINK("http://evil")',
          quantity: 1,
          revenue: { amount: 8650, currency: 'EUR' },
        },
      ],
    },
  ],
  ordersByStatus: { paid: 2, partially_refunded: 1, pending_payment: 0 },
};

describe('the sales report CSV', () => {
  it('has one fact per row, quotes what needs it and keeps formulas as text', () => {
    const lines = salesReportCsv(report).trim().split('\n');
    expect(lines[0]).toBe(
      'report_date,time_zone,currency,metric,product_id,product_name,count,amount_minor',
    );
    expect(lines).toContain('2026-12-03,Europe/Berlin,EUR,revenue,,,,13650');
    expect(lines).toContain('2026-12-03,Europe/Berlin,EUR,refunds,,,1,1250');
    expect(lines.find((l) => l.includes('enamel'))).toContain(
      '"Switchyard enamel mug, ""blue""",4,5000',
    );
    expect(lines.find((l) => l.includes('HYPERLINK'))).toContain(`"'=HYPERLINK(""http://evil"")"`);
    expect(lines).toContain('2026-12-03,Europe/Berlin,,orders_paid,,,2,');
  });
});

describe('staff messages to the admins', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  /** Wait until the service holds this user's roles (auth's topic is not the order's). */
  const accessApplied = (userId: string, roles: string[]) =>
    waitFor(
      async () =>
        (
          await queryDb<{ roles: string[] }>(
            service.ctx.databaseUrl,
            'SELECT roles FROM staff_members WHERE user_id = $1',
            [userId],
          )
        )[0]?.roles.join() === roles.join(),
      { what: 'the access change' },
    );

  /** A registered user, made admin (or not) through auth's events. */
  async function user(options: { admin: boolean; disabled?: boolean }) {
    const userId = randomUUID();
    const email = `staff-${userId}@example.com`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email, name: 'Ada' },
      }),
    );
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.access_changed', {
        source: 'auth',
        subject: userId,
        data: {
          userId,
          roles: options.admin ? ['customer', 'admin'] : ['customer'],
          disabled: options.disabled ?? false,
        },
      }),
    );
    await waitFor(async () => (await smtp.emailsTo(email)).length === 1, { what: 'welcome' });
    await accessApplied(userId, options.admin ? ['customer', 'admin'] : ['customer']);
    return email;
  }

  it('emails the daily report with its CSV to each enabled admin, once though delivered twice', async () => {
    const [admin, otherAdmin, customer, disabledAdmin] = [
      await user({ admin: true }),
      await user({ admin: true }),
      await user({ admin: false }),
      await user({ admin: true, disabled: true }),
    ];
    const event = createEvent('report.sales_daily', {
      source: 'order',
      subject: report.reportDate,
      data: report,
    });
    await publishEvent(service.ctx.namespace, event, 2);
    const subject = 'Sales report for 2026-12-03';
    for (const address of [admin, otherAdmin]) {
      const mail = (await waitFor(
        async () => (await smtp.emailsTo(address)).find((m) => m.subject === subject),
        { what: `the report to ${address}` },
      )) as CapturedEmail & { attachments?: CapturedAttachment[] };
      expect(mail.text).toContain('EUR: 3 paid orders, revenue EUR 136.50, 1 refunds (EUR 12.50)');
      expect(mail.attachments!.map((a) => [a.fileName, a.contentType])).toEqual([
        ['sales-report-2026-12-03.csv', 'text/csv'],
      ]);
      const csv = await fetch(
        `${smtp.webUrl}/email/${mail.id}/attachment/${mail.attachments![0]!.generatedFileName}`,
      );
      expect(await csv.text()).toBe(salesReportCsv(report));
    }
    await new Promise((r) => setTimeout(r, 1_000));
    for (const address of [admin, otherAdmin])
      expect((await smtp.emailsTo(address)).filter((m) => m.subject === subject)).toHaveLength(1);
    for (const address of [customer, disabledAdmin])
      expect((await smtp.emailsTo(address)).filter((m) => m.subject === subject)).toHaveLength(0);
  });

  it('tells the admins of a low-stock alert, and stops telling one whose role was revoked', async () => {
    const userId = randomUUID();
    const email = `staff-${userId}@example.com`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email, name: 'Grace' },
      }),
    );
    const access = (roles: string[]) =>
      createEvent('user.access_changed', {
        source: 'auth',
        subject: userId,
        data: { userId, roles, disabled: false },
      });
    await publishEvent(service.ctx.namespace, access(['admin']));
    await accessApplied(userId, ['admin']);
    const alert = (name: string) =>
      createEvent('product.low_stock', {
        source: 'order',
        subject: randomUUID(),
        data: {
          alertId: randomUUID(),
          productId: randomUUID(),
          sku: 'MAP-001',
          name,
          stock: 2,
          threshold: 3,
        },
      });
    await publishEvent(service.ctx.namespace, alert('Network map poster'));
    const mail = await waitFor(
      async () =>
        (await smtp.emailsTo(email)).find(
          (m) => m.subject === 'Low stock: Network map poster (MAP-001)',
        ),
      { what: 'the alert' },
    );
    expect(mail.text).toContain('is down to 2 in stock, under its threshold of 3');

    await publishEvent(service.ctx.namespace, access(['customer']));
    await accessApplied(userId, ['customer']);
    await publishEvent(service.ctx.namespace, alert('Brass lantern'));
    await new Promise((r) => setTimeout(r, 1_500));
    expect((await smtp.emailsTo(email)).map((m) => m.subject)).not.toContain(
      'Low stock: Brass lantern (MAP-001)',
    );
  });
});
