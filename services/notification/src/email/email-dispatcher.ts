import { randomUUID } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';

const MAX_ATTEMPTS = 8;
// A recipient may be unknown for a moment (user.registered and order events travel on
// different topics); wait for it rather than fail at once.
const backoffMs = (attempt: number) => Math.min(60_000, 500 * 2 ** attempt);

interface PendingEmail {
  id: string;
  user_id: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  attempts: number;
  email: string | null;
  name: string | null;
}

/**
 * Sends queued emails over SMTP. Each row is claimed with FOR UPDATE SKIP LOCKED and stays
 * locked while it is sent, so replicas never send the same email concurrently; failures are
 * retried with backoff and finally marked failed with the error.
 */
export class EmailDispatcher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;
  private stopped = true;

  constructor(
    private readonly options: {
      db: Db;
      transport: Transporter;
      from: string;
      logger: Logger;
      pollIntervalMs: number;
    },
  ) {}

  start(): void {
    this.stopped = false;
    this.schedule(0);
  }

  nudge(): void {
    if (!this.stopped && !this.running) this.schedule(0);
  }

  /** Finish the email being sent, then stop. */
  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.running) await this.running;
  }

  private schedule(delay: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = null;
      this.running = this.drain()
        .catch((error) => this.options.logger.error({ err: error }, 'email dispatch failed'))
        .finally(() => {
          this.running = null;
          if (!this.stopped) this.schedule(this.options.pollIntervalMs);
        });
    }, delay);
  }

  private async drain(): Promise<void> {
    while (!this.stopped && (await this.sendOne())) {
      /* keep sending while there is work */
    }
  }

  /** Send one due email; false when none is due. */
  private async sendOne(): Promise<boolean> {
    const { db, transport, from, logger } = this.options;
    return db.$transaction(
      async (tx) => {
        const [row] = await tx.$queryRawUnsafe<PendingEmail[]>(
          `SELECT d.id::text, d.user_id::text, d.subject, d.text_body, d.html_body, d.attempts, r.email, r.name
           FROM email_deliveries d LEFT JOIN recipients r ON r.user_id = d.user_id
           WHERE d.status = 'pending' AND d.next_attempt_at <= now()
           ORDER BY d.next_attempt_at LIMIT 1 FOR UPDATE OF d SKIP LOCKED`,
        );
        if (!row) return false;
        try {
          if (!row.email) throw new Error('recipient address not known yet');
          await transport.sendMail({
            from,
            to: row.name ? { name: row.name, address: row.email } : row.email,
            subject: row.subject,
            text: row.text_body,
            ...(row.html_body ? { html: row.html_body } : {}),
          });
          await tx.emailAttempt.create({
            data: { id: randomUUID(), emailDeliveryId: row.id, outcome: 'sent' },
          });
          await tx.emailDelivery.update({
            where: { id: row.id },
            data: {
              status: 'sent',
              sentAt: new Date(),
              attempts: { increment: 1 },
              lastError: null,
            },
          });
          logger.info({ emailId: row.id }, 'email sent');
        } catch (error) {
          await tx.emailAttempt.create({
            data: {
              id: randomUUID(),
              emailDeliveryId: row.id,
              outcome: 'failed',
              error: (error as Error).message.slice(0, 500),
            },
          });
          const attempts = row.attempts + 1;
          const failed = attempts >= MAX_ATTEMPTS;
          await tx.emailDelivery.update({
            where: { id: row.id },
            data: {
              attempts,
              status: failed ? 'failed' : 'pending',
              lastError: (error as Error).message.slice(0, 500),
              nextAttemptAt: new Date(Date.now() + backoffMs(attempts)),
            },
          });
          logger.warn({ emailId: row.id, attempts, failed, err: error }, 'email not sent');
        }
        return true;
      },
      { timeout: 60_000 },
    );
  }
}
