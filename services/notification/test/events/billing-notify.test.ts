import { randomBytes, randomUUID } from 'node:crypto';
import { createEvent, type EventPayload } from '@switchyard/contracts';
import {
  publishEvent,
  queryDb,
  startSmtpCapture,
  startWebhookReceiver,
  waitFor,
  type CapturedEmail,
  type SmtpCapture,
} from '@switchyard/testing';
import { closeAfterTests, startNotificationService } from '../support.js';

const BILLING_ACCOUNT_URL = 'https://shop.example.com/account/billing';

/** What MailDev tells of an attachment (its REST API serves the bytes by generatedFileName). */
interface CapturedAttachment {
  fileName: string;
  generatedFileName: string;
  contentType: string;
}

describe('billing notifications', () => {
  let smtp: SmtpCapture;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  let service: Awaited<ReturnType<typeof startNotificationService>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    receiver = await startWebhookReceiver({ failFirst: 0 });
    service = await startNotificationService(smtp.smtpUrl, {
      BILLING_ACCOUNT_URL,
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
    });
  });
  afterAll(() =>
    closeAfterTests(
      smtp,
      () => service?.close(),
      () => receiver?.close(),
    ),
  );

  const as = async (userId: string) => ({
    authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}`,
  });
  const inbox = async (userId: string) =>
    (await service.app.inject({ url: '/v1/notifications', headers: await as(userId) })).json()
      .items as { title: string; body: string; category: string }[];

  /** A customer the service can write to. */
  async function customer() {
    const userId = randomUUID();
    const email = `billing-${userId}@example.com`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email, name: 'Noor' },
      }),
    );
    await waitFor(async () => (await smtp.emailsTo(email)).length === 1, { what: 'welcome' });
    return { userId, email };
  }

  async function emailTo(address: string, subject: string) {
    return waitFor(async () => (await smtp.emailsTo(address)).find((m) => m.subject === subject), {
      what: `the email "${subject}"`,
    });
  }

  const issued = (userId: string, pdf: Buffer, kind: 'invoice' | 'credit_note' = 'invoice') => {
    const documentId = randomUUID();
    const data: EventPayload<'invoice.issued'> = {
      documentId,
      kind,
      number: kind === 'invoice' ? 'INV-2026-000042' : 'CN-2026-000007',
      userId,
      total: { amount: 2261, currency: 'EUR' },
      invoiceId: kind === 'invoice' ? null : randomUUID(),
      issuedAt: '2026-12-04T09:30:00.000Z',
      pdfBase64: pdf.toString('base64'),
    };
    return createEvent(kind === 'invoice' ? 'invoice.issued' : 'credit_note.issued', {
      source: 'billing',
      subject: documentId,
      data,
    });
  };

  it('emails an issued invoice with its PDF attached, byte for byte, then drops its copy', async () => {
    const { userId, email } = await customer();
    // Every byte value, and more than one base64 line's worth (encode() wraps at 76).
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(40_000)]);
    await publishEvent(service.ctx.namespace, issued(userId, pdf));

    const mail = (await emailTo(email, 'Invoice INV-2026-000042')) as CapturedEmail & {
      attachments?: CapturedAttachment[];
    };
    expect(mail.text).toContain('The invoice is attached as INV-2026-000042.pdf.');
    expect(mail.attachments).toHaveLength(1);
    const [file] = mail.attachments!;
    expect(file).toMatchObject({ fileName: 'INV-2026-000042.pdf', contentType: 'application/pdf' });
    const res = await fetch(
      `${smtp.webUrl}/email/${mail.id}/attachment/${file!.generatedFileName}`,
    );
    expect(res.status).toBe(200);
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);

    expect((await inbox(userId))[0]).toMatchObject({
      category: 'billing',
      title: 'Invoice INV-2026-000042',
      body: 'We issued your invoice INV-2026-000042 of EUR 22.61 on 4 Dec 2026.',
    });
    // Billing keeps the document: once sent, only the record of the file stays here.
    const rows = await waitFor(
      async () => {
        const found = await queryDb<{ filename: string; size_bytes: number; content: unknown }>(
          service.ctx.databaseUrl,
          `SELECT a.filename, a.size_bytes, a.content FROM email_attachments a
             JOIN email_deliveries d ON d.id = a.email_delivery_id
            WHERE d.user_id = $1 AND d.status = 'sent'`,
          [userId],
        );
        return found.length === 1 && found[0]!.content === null && found;
      },
      { what: 'the sent attachment cleared' },
    );
    expect(rows[0]).toMatchObject({ filename: 'INV-2026-000042.pdf', size_bytes: pdf.length });
  });

  it('attaches a credit note as its own number', async () => {
    const { userId, email } = await customer();
    const pdf = Buffer.from('%PDF-1.7\n% credit\n%%EOF\n');
    await publishEvent(service.ctx.namespace, issued(userId, pdf, 'credit_note'));
    const mail = (await emailTo(email, 'Credit note CN-2026-000007')) as CapturedEmail & {
      attachments?: CapturedAttachment[];
    };
    expect(mail.attachments!.map((a) => a.fileName)).toEqual(['CN-2026-000007.pdf']);
  });

  it('tells a customer their renewal failed, why, when it is retried and where to fix the card', async () => {
    const { userId, email } = await customer();
    const subscriptionId = randomUUID();
    await publishEvent(
      service.ctx.namespace,
      createEvent('subscription.payment_failed', {
        source: 'billing',
        subject: subscriptionId,
        data: {
          subscriptionId,
          userId,
          planId: randomUUID(),
          planName: 'Pro',
          status: 'past_due',
          price: { amount: 1900, currency: 'EUR' },
          currentPeriodStart: '2026-12-04T09:30:00.000Z',
          currentPeriodEnd: '2027-01-04T09:30:00.000Z',
          cancelAtPeriodEnd: false,
          reason: 'card_declined',
          nextRetryAt: '2026-12-07T09:30:00.000Z',
        },
      }),
    );
    const mail = await emailTo(email, 'Renewal of your Pro subscription failed');
    expect(mail.text).toContain('(card declined)');
    expect(mail.text).toContain('We will try again on 7 Dec 2026, 09:30 UTC.');
    expect(mail.text).toContain(`Update your card here: ${BILLING_ACCOUNT_URL}`);
    expect(mail.html).toContain(`<a href="${BILLING_ACCOUNT_URL}"`);
    const [notification] = await inbox(userId);
    expect(notification).toMatchObject({ category: 'billing' });
    expect(notification!.body).toContain(`Update your card: ${BILLING_ACCOUNT_URL}`);
  });

  it('keeps billing out of the email of a user who turned billing emails off', async () => {
    const { userId, email } = await customer();
    const patched = await service.app.inject({
      method: 'PATCH',
      url: '/v1/notifications/preferences',
      headers: await as(userId),
      payload: { email: { billing: false } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json().email).toEqual({
      account: true,
      order: true,
      payment: true,
      billing: false,
    });
    await publishEvent(service.ctx.namespace, issued(userId, Buffer.from('%PDF-1.7\n')));
    await waitFor(async () => (await inbox(userId)).some((n) => n.category === 'billing'), {
      what: 'the invoice in the inbox',
    });
    const stored = await queryDb(
      service.ctx.databaseUrl,
      `SELECT 1 FROM email_deliveries d JOIN notifications n ON n.id = d.notification_id
        WHERE d.user_id = $1 AND n.category = 'billing'
       UNION ALL
       SELECT 1 FROM email_attachments a JOIN email_deliveries d ON d.id = a.email_delivery_id
        WHERE d.user_id = $1`,
      [userId],
    );
    expect(stored).toEqual([]);
    expect((await smtp.emailsTo(email)).map((m) => m.subject)).toEqual(['Welcome to Switchyard']);
  });

  it('delivers billing events to integrators, without the PDF', async () => {
    const userId = randomUUID();
    const registered = await service.app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: await as(userId),
      payload: {
        url: `${receiver.base}/billing`,
        eventTypes: ['invoice.issued', 'subscription.renewed'],
      },
    });
    expect(registered.statusCode).toBe(201);
    receiver.setSecret('/billing', registered.json().secret);

    const pdf = Buffer.from('%PDF-1.7\n% big enough to matter\n');
    const invoice = issued(userId, pdf);
    await publishEvent(service.ctx.namespace, invoice);
    const delivered = await waitFor(
      async () => receiver.received.find((r) => r.eventId === invoice.id && r.answered === 200),
      { what: 'the invoice webhook' },
    );
    const body = JSON.parse(delivered.body) as { type: string; data: Record<string, unknown> };
    expect(body.type).toBe('invoice.issued');
    const { pdfBase64: _pdf, ...withoutPdf } = invoice.data;
    expect(body.data).toEqual(withoutPdf);
    expect(delivered.body).not.toContain('pdfBase64');
    const [stored] = await queryDb<{ payload: string }>(
      service.ctx.databaseUrl,
      'SELECT payload FROM webhook_deliveries WHERE event_id = $1',
      [invoice.id],
    );
    expect(stored!.payload).not.toContain(pdf.toString('base64'));
  });
});
