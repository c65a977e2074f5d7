import { SecretBox, undocumentedRoutes } from '@switchyard/service-kit';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { findSchemaDrift } from '@switchyard/db';
import {
  publishEvent,
  queryDb,
  startSmtpCapture,
  waitFor,
  type SmtpCapture,
  consumedEvents,
} from '@switchyard/testing';
import {
  closeAfterTests,
  serviceDir,
  startNotificationService,
  TEST_RESET_TOKEN_SEALING_KEY,
} from '../support.js';

describe('notification service', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  const inbox = async (userId: string) =>
    (
      await service.app.inject({
        url: '/v1/notifications',
        headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}` },
      })
    ).json().items as { title: string; body: string; category: string }[];

  it('documents every route it serves in its OpenAPI document', () => {
    expect(service.app.routeInventory.length).toBeGreaterThan(4);
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });

  it('has a migrated database that matches schema.prisma', async () => {
    expect(
      await findSchemaDrift({
        schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
        databaseUrl: service.ctx.databaseUrl,
      }),
    ).toEqual([]);
  });

  it('welcomes a new user in the inbox and by email', async () => {
    const userId = randomUUID();
    const email = `new-${userId}@example.com`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email, name: 'Grace' },
      }),
    );
    await waitFor(async () => (await inbox(userId)).length === 1, { what: 'welcome notification' });
    expect((await inbox(userId))[0]).toMatchObject({
      category: 'account',
      title: 'Welcome to Switchyard',
    });
    const [mail] = await waitFor(
      async () => {
        const mails = await smtp.emailsTo(email);
        return mails.length ? mails : undefined;
      },
      { what: 'welcome email' },
    );
    expect(mail!.subject).toBe('Welcome to Switchyard');
    expect(mail!.text).toContain('Hello Grace');
    expect(mail!.html).toContain('<p>Hello Grace,</p>');
    // The attempt is on record with its outcome.
    await waitFor(
      async () =>
        (
          await queryDb(
            service.ctx.databaseUrl,
            `SELECT a.outcome FROM email_attempts a JOIN email_deliveries d ON d.id = a.email_delivery_id
             WHERE d.user_id = $1 AND a.outcome = 'sent'`,
            [userId],
          )
        ).length === 1,
      { what: 'the sent attempt recorded' },
    );
  });

  it('sends a reset token by email without ever storing it in plain text', async () => {
    const userId = randomUUID();
    const email = `reset-${userId}@example.com`;
    const token = `tok_${randomUUID()}${randomUUID()}`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.password_reset_requested', {
        source: 'auth',
        subject: userId,
        data: {
          userId,
          email,
          name: 'Rosa',
          sealedResetToken: new SecretBox(TEST_RESET_TOKEN_SEALING_KEY).seal(token),
          expiresAt: new Date(Date.now() + 1_800_000).toISOString(),
        },
      }),
    );
    const [mail] = await waitFor(
      async () => {
        const mails = await smtp.emailsTo(email);
        return mails.length > 0 && mails;
      },
      { what: 'the reset email' },
    );
    expect(mail!.text).toContain(token);
    expect(mail!.html).toContain(token);
    await waitFor(
      async () =>
        (
          await queryDb<{ sealed_secret: string | null; status: string }>(
            service.ctx.databaseUrl,
            'SELECT sealed_secret, status FROM email_deliveries WHERE user_id = $1',
            [userId],
          )
        )[0]?.sealed_secret === null,
      { what: 'the sealed token cleared once sent' },
    );
    const stored = await queryDb(
      service.ctx.databaseUrl,
      `SELECT d.text_body, d.html_body, n.title, n.body FROM email_deliveries d
         JOIN notifications n ON n.id = d.notification_id WHERE d.user_id = $1`,
      [userId],
    );
    expect(JSON.stringify(stored)).not.toContain(token);
  });

  it('notifies once per event, in the inbox and by email, even when Kafka redelivers', async () => {
    const userId = randomUUID();
    const email = `buyer-${userId}@example.com`;
    await publishEvent(
      service.ctx.namespace,
      createEvent('user.registered', {
        source: 'auth',
        subject: userId,
        data: { userId, email, name: 'Lin' },
      }),
    );
    const orderId = randomUUID();
    const paid = createEvent('order.paid', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId, paymentId: randomUUID(), total: { amount: 2500, currency: 'EUR' } },
    });
    await publishEvent(service.ctx.namespace, paid, 3);
    await waitFor(async () => (await smtp.emailsTo(email)).length === 2, {
      what: 'welcome + confirmation emails',
    });
    await waitFor(
      async () => {
        const metrics = (await service.app.inject({ url: '/metrics' })).body;
        return consumedEvents(metrics, 'order.paid', 'duplicate') >= 2;
      },
      { what: 'duplicates consumed' },
    );
    const titles = (await inbox(userId)).map((n) => n.title);
    expect(titles.filter((t) => t.includes('is confirmed'))).toHaveLength(1);
    const sent = await queryDb(
      service.ctx.databaseUrl,
      "SELECT 1 FROM email_deliveries WHERE user_id = $1 AND status = 'sent'",
      [userId],
    );
    expect(sent).toHaveLength(2);
    expect(
      (await smtp.emailsTo(email)).filter((m) => m.subject.includes('is confirmed')),
    ).toHaveLength(1);
  });

  it('shows a user only their own notifications', async () => {
    expect(await inbox(randomUUID())).toEqual([]);
    const res = await service.app.inject({ url: '/v1/notifications' });
    expect(res.statusCode).toBe(401);
  });
});
