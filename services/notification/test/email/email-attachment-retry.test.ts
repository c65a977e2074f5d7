import { randomBytes, randomUUID } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SecretBox } from '@switchyard/service-kit';
import {
  freePort,
  prepareTestDatabase,
  queryDb,
  startSmtpCapture,
  waitFor,
  type SmtpCapture,
} from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import { EmailDispatcher } from '../../src/email/email-dispatcher.js';
import { smtpTransportUrl } from '../../src/email/smtp-url.js';
import {
  closeAfterTests,
  recordingLogger,
  serviceDir,
  TEST_RESET_TOKEN_SEALING_KEY,
} from '../support.js';

/**
 * An email with a file survives a failed attempt whole: the retry (here by another replica)
 * sends the same bytes, and only then are the stored bytes dropped.
 */
describe('an email attachment across retries', () => {
  let databaseUrl: string;
  let db: Db;
  let smtp: SmtpCapture;
  const { logger } = recordingLogger();

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase(
      'notification',
      path.join(serviceDir, 'prisma/migrations'),
    );
    db = createDb(databaseUrl);
    smtp = await startSmtpCapture();
  });
  afterAll(() => closeAfterTests(smtp, () => db?.$disconnect()));

  const dispatcher = (smtpUrl: string) =>
    new EmailDispatcher({
      db,
      transport: nodemailer.createTransport(smtpTransportUrl(smtpUrl, 1_500, 1)),
      from: 'Switchyard <no-reply@switchyard.local>',
      logger,
      pollIntervalMs: 50,
      concurrency: 1,
      leaseSeconds: 60,
      secrets: new SecretBox(TEST_RESET_TOKEN_SEALING_KEY, 'RESET_TOKEN_SEALING_KEY'),
    });

  it('keeps the file for the retry after a failed attempt, sends it intact, then drops it', async () => {
    const userId = randomUUID();
    const notificationId = randomUUID();
    const id = randomUUID();
    const address = `doc-${userId}@example.com`;
    const pdf = Buffer.concat([Buffer.from('%PDF-1.7\n'), randomBytes(5_000)]);
    await db.recipient.create({ data: { userId, email: address, name: 'Ada' } });
    await db.notification.create({
      data: {
        id: notificationId,
        userId,
        sourceEventId: randomUUID(),
        category: 'billing',
        title: 'Invoice INV-1',
        body: 'issued',
      },
    });
    await db.emailDelivery.create({
      data: { id, notificationId, userId, subject: 'Invoice INV-1', textBody: 'attached' },
    });
    await db.emailAttachment.create({
      data: {
        id: randomUUID(),
        emailDeliveryId: id,
        filename: 'INV-1.pdf',
        contentType: 'application/pdf',
        sizeBytes: pdf.length,
        content: pdf,
      },
    });
    const state = async () =>
      (
        await queryDb<{ status: string; attempts: number; kept: boolean }>(
          databaseUrl,
          `SELECT d.status, d.attempts, a.content IS NOT NULL AS kept
             FROM email_deliveries d JOIN email_attachments a ON a.email_delivery_id = d.id
            WHERE d.id = $1`,
          [id],
        )
      )[0]!;

    // Nothing listens there: the attempt fails and is retried later.
    const down = dispatcher(`smtp://127.0.0.1:${await freePort()}`);
    down.start();
    await waitFor(async () => (await state()).attempts === 1, { what: 'the failed attempt' });
    await down.stop();
    expect(await state()).toEqual({ status: 'pending', attempts: 1, kept: true });

    await db.$executeRaw`UPDATE email_deliveries SET next_attempt_at = now() WHERE id = ${id}::uuid`;
    const up = dispatcher(smtp.smtpUrl);
    up.start();
    const mail = await waitFor(async () => (await smtp.emailsTo(address))[0], {
      what: 'the retried email',
    });
    await waitFor(async () => (await state()).status === 'sent', { what: 'the email sent' });
    await up.stop();
    expect(await state()).toEqual({ status: 'sent', attempts: 2, kept: false });
    const [file] = (mail as unknown as { attachments: { generatedFileName: string }[] })
      .attachments;
    const res = await fetch(
      `${smtp.webUrl}/email/${mail.id}/attachment/${file!.generatedFileName}`,
    );
    expect(Buffer.from(await res.arrayBuffer()).equals(pdf)).toBe(true);
  });
});
