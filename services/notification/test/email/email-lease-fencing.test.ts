import { randomUUID } from 'node:crypto';
import path from 'node:path';
import nodemailer from 'nodemailer';
import { SecretBox } from '@switchyard/service-kit';
import {
  prepareTestDatabase,
  queryDb,
  startScriptedSmtp,
  waitFor,
  type ScriptedSmtp,
} from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import { EmailDispatcher } from '../../src/email/email-dispatcher.js';
import { smtpTransportUrl } from '../../src/email/smtp-url.js';
import { recordingLogger, serviceDir, TEST_RESET_TOKEN_SEALING_KEY } from '../support.js';

/**
 * Two replicas' email dispatchers on one real database. Replica A claims an email and its send
 * outlives the lease (a mail server that never answers; the lease is expired in the database,
 * as a long pause would); replica B claims it again and sends it. When A's attempt finally
 * ends, its outcome must not be applied: B's claim owns the email now.
 */
describe('email outcomes fenced by the claim', () => {
  let databaseUrl: string;
  let db: Db;
  let hung: ScriptedSmtp;
  let working: ScriptedSmtp;
  const { logger, lines: logLines } = recordingLogger();

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase(
      'notification',
      path.join(serviceDir, 'prisma/migrations'),
    );
    db = createDb(databaseUrl);
    [hung, working] = await Promise.all([
      startScriptedSmtp({ silent: true }),
      startScriptedSmtp({}),
    ]);
  });
  afterAll(async () => {
    await db.$disconnect();
    await Promise.all([hung.close(), working.close()]);
  });

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

  /** A queued email to a known recipient; its delivery id. */
  async function queueEmail(): Promise<string> {
    const userId = randomUUID();
    const notificationId = randomUUID();
    const deliveryId = randomUUID();
    await db.recipient.create({ data: { userId, email: `u-${userId}@example.com`, name: 'Ada' } });
    await db.notification.create({
      data: {
        id: notificationId,
        userId,
        sourceEventId: randomUUID(),
        category: 'account',
        title: 'Welcome',
        body: 'Hello',
      },
    });
    await db.emailDelivery.create({
      data: { id: deliveryId, notificationId, userId, subject: 'Welcome', textBody: 'Hello' },
    });
    return deliveryId;
  }

  const deliveryState = async (id: string) =>
    (
      await queryDb<{ status: string; attempts: number; sent_at: Date | null }>(
        databaseUrl,
        'SELECT status, attempts, sent_at FROM email_deliveries WHERE id = $1',
        [id],
      )
    )[0]!;

  it('keeps the email sent when the replica whose lease expired fails afterwards', async () => {
    const id = await queueEmail();
    const a = dispatcher(hung.smtpUrl);
    a.start();
    // A has claimed it (the lease pushed its next attempt ahead) and waits on the mail server.
    await waitFor(
      async () =>
        (
          await queryDb(
            databaseUrl,
            'SELECT 1 FROM email_deliveries WHERE id = $1 AND next_attempt_at > now()',
            [id],
          )
        ).length === 1,
      { what: 'replica A’s claim' },
    );
    // A's lease runs out while it still waits; B claims the email and sends it.
    await db.$executeRaw`UPDATE email_deliveries SET next_attempt_at = now() WHERE id = ${id}::uuid`;
    const b = dispatcher(working.smtpUrl);
    b.start();
    await waitFor(async () => (await deliveryState(id)).status === 'sent', {
      what: 'the email sent by replica B',
    });
    await b.stop();

    // A's attempt ends (the mail server's timeout) and A reports it.
    await a.stop();
    expect(await deliveryState(id)).toMatchObject({ status: 'sent', attempts: 1 });
    const attempts = await queryDb<{ outcome: string }>(
      databaseUrl,
      'SELECT outcome FROM email_attempts WHERE email_delivery_id = $1',
      [id],
    );
    expect(attempts.map((r) => r.outcome)).toEqual(['sent']);
    expect(working.accepted).toHaveLength(1);
    const lost = logLines.filter((l) => l.emailId === id && l.leaseLost);
    expect(lost).toHaveLength(1);
  });
});
