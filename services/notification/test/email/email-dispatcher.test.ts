import { randomUUID } from 'node:crypto';
import net from 'node:net';
import { createEvent } from '@switchyard/contracts';
import {
  metricValue,
  publishEvent,
  queryDb,
  startScriptedSmtp,
  waitFor,
} from '@switchyard/testing';
import { startNotificationService, startReplica } from '../support.js';

const welcome = (userId: string) =>
  createEvent('user.registered', {
    source: 'auth',
    subject: userId,
    data: { userId, email: `mail-${userId}@example.com`, name: 'Ada' },
  });

describe('sending email through a mail server that hangs', () => {
  it('fails the attempt within the SMTP timeout and backs off, instead of holding a transaction', async () => {
    const smtp = await startScriptedSmtp({ silent: true });
    const service = await startNotificationService(smtp.smtpUrl, { SMTP_TIMEOUT_MS: '1000' });
    try {
      const userId = randomUUID();
      await publishEvent(service.ctx.namespace, welcome(userId));
      const attempts = await waitFor(
        async () => {
          const rows = await queryDb<{ outcome: string; error: string }>(
            service.ctx.databaseUrl,
            `SELECT a.outcome, a.error FROM email_attempts a
               JOIN email_deliveries d ON d.id = a.email_delivery_id WHERE d.user_id = $1`,
            [userId],
          );
          return rows.length > 0 && rows;
        },
        { timeoutMs: 15_000, what: 'an attempt recorded' },
      );
      expect(attempts[0]!.outcome).toBe('failed');
      expect(attempts[0]!.error).toMatch(/timeout/i);
      const [delivery] = await queryDb<{ status: string; attempts: number; next_attempt_at: Date }>(
        service.ctx.databaseUrl,
        'SELECT status, attempts, next_attempt_at FROM email_deliveries WHERE user_id = $1',
        [userId],
      );
      expect(delivery).toMatchObject({ status: 'pending', attempts: 1 });
      expect(delivery!.next_attempt_at.getTime()).toBeGreaterThan(Date.now());
      const metrics = (await service.app.inject({ url: '/metrics' })).body;
      expect(metricValue(metrics, 'emails_total', { outcome: 'retrying' })).toBe(1);
      expect(metricValue(metrics, 'emails_total', { outcome: 'sent' })).toBe(0);
    } finally {
      await service.close();
      await smtp.close();
    }
  });

  it('sends an email once with two replicas and a slow mail server', async () => {
    const smtp = await startScriptedSmtp({ acceptDelayMs: 1_500 });
    const service = await startNotificationService(smtp.smtpUrl, { EMAIL_POLL_INTERVAL_MS: '50' });
    const replica = await startReplica(service.ctx.env);
    try {
      const userIds = [randomUUID(), randomUUID(), randomUUID()];
      for (const userId of userIds) await publishEvent(service.ctx.namespace, welcome(userId));
      await waitFor(async () => smtp.accepted.length >= 3, { timeoutMs: 20_000, what: '3 emails' });
      await new Promise((resolve) => setTimeout(resolve, 2_000));
      expect(smtp.accepted).toHaveLength(3);
      const ids = smtp.accepted.map((m) => /^Message-ID: (.*)$/im.exec(m)?.[1]);
      expect(new Set(ids).size).toBe(3);
      // One process here holds both replicas, so one registry counts every send: 3.
      const metrics = (await service.app.inject({ url: '/metrics' })).body;
      expect(metricValue(metrics, 'emails_total', { outcome: 'sent' })).toBe(3);
    } finally {
      await replica.close();
      await service.close();
      await smtp.close();
    }
  });

  it('sends every email over one kept connection to the mail server', async () => {
    const smtp = await startScriptedSmtp({});
    // Counts the connections the service opens, passing each through to the mail server.
    let connections = 0;
    const target = new URL(smtp.smtpUrl);
    const counter = net.createServer((socket) => {
      connections++;
      const upstream = net.connect(Number(target.port), target.hostname);
      socket.pipe(upstream).pipe(socket);
      socket.on('error', () => upstream.destroy());
      upstream.on('error', () => socket.destroy());
    });
    await new Promise<void>((resolve) => counter.listen(0, '127.0.0.1', resolve));
    const { port } = counter.address() as net.AddressInfo;
    const service = await startNotificationService(`smtp://127.0.0.1:${port}`);
    try {
      for (let i = 0; i < 3; i++) {
        await publishEvent(service.ctx.namespace, welcome(randomUUID()));
        const sent = i + 1;
        await waitFor(async () => smtp.accepted.length >= sent, { what: `${sent} emails` });
      }
      expect(smtp.accepted).toHaveLength(3);
      expect(connections).toBe(1);
    } finally {
      await service.close();
      await smtp.close();
      await new Promise((resolve) => counter.close(resolve));
    }
  });

  it('sends several emails at once to a slow mail server, over as many kept connections', async () => {
    const smtp = await startScriptedSmtp({ acceptDelayMs: 1_000 });
    const service = await startNotificationService(smtp.smtpUrl, { EMAIL_SEND_CONCURRENCY: '4' });
    try {
      for (let i = 0; i < 8; i++) await publishEvent(service.ctx.namespace, welcome(randomUUID()));
      await waitFor(async () => smtp.accepted.length >= 8, { timeoutMs: 20_000, what: '8 emails' });
      // One at a time, a 1 s relay would take 8 s and never hold two messages at once.
      expect(smtp.mostInFlight).toBeGreaterThanOrEqual(2);
      expect(smtp.mostInFlight).toBeLessThanOrEqual(4);
      expect(new Set(smtp.accepted.map((m) => /^Message-ID: (.*)$/im.exec(m)?.[1])).size).toBe(8);
    } finally {
      await service.close();
      await smtp.close();
    }
  });
});

describe('retrying an email', () => {
  it('retries at its backoff, not at the next idle poll', async () => {
    const smtp = await startScriptedSmtp({});
    // The idle poll is a minute: only the retry's own wake-up can send the email in time.
    const service = await startNotificationService(smtp.smtpUrl, {
      EMAIL_POLL_INTERVAL_MS: '60000',
    });
    try {
      const userId = randomUUID();
      // An order paid before the user is known: its email waits for the recipient's address.
      const orderId = randomUUID();
      await publishEvent(
        service.ctx.namespace,
        createEvent('order.paid', {
          source: 'order',
          subject: orderId,
          data: {
            orderId,
            userId,
            paymentId: randomUUID(),
            total: { amount: 900, currency: 'EUR' },
          },
        }),
      );
      await waitFor(
        async () => {
          const [row] = await queryDb<{ attempts: number }>(
            service.ctx.databaseUrl,
            'SELECT attempts FROM email_deliveries WHERE user_id = $1',
            [userId],
          );
          return row?.attempts === 1;
        },
        { what: 'a first attempt without a recipient' },
      );
      await publishEvent(service.ctx.namespace, welcome(userId));
      // The welcome email and the retried one, the retry about 1 s after the first attempt.
      await waitFor(async () => smtp.accepted.length >= 2, { timeoutMs: 8_000, what: '2 emails' });
    } finally {
      await service.close();
      await smtp.close();
    }
  });
});
