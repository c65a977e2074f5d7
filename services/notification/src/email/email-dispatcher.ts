import { randomUUID } from 'node:crypto';
import type { Transporter } from 'nodemailer';
import type { Logger } from '@switchyard/messaging';
import type { SecretBox } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { withSecret } from './email-secret.js';
import { emailAttempts } from '../notification-metrics.js';

const MAX_ATTEMPTS = 8;
// A recipient may be unknown for a moment (user.registered and order events travel on
// different topics); wait for it rather than fail at once.
const backoffMs = (attempt: number) => Math.min(60_000, 500 * 2 ** attempt);

/**
 * An attempt's outcome: sent (the secret cleared), or failed and retried at `nextAttemptAt`
 * (`pending`, the secret kept for the retry) or given up (`failed`, the secret cleared).
 */
interface Outcome {
  status: 'sent' | 'pending' | 'failed';
  attempts: number;
  error: string | null;
  nextAttemptAt: Date | null;
}

interface PendingEmail {
  id: string;
  /** The claim's owner token: only this claim may record the attempt's outcome. */
  lease_token: string;
  user_id: string;
  subject: string;
  text_body: string;
  html_body: string | null;
  sealed_secret: string | null;
  attempts: number;
  email: string | null;
  name: string | null;
}

/**
 * Sends queued emails over SMTP. A replica claims one due email at a time by pushing its next
 * attempt a lease ahead and writing a fresh owner token (FOR UPDATE SKIP LOCKED inside one
 * short UPDATE), then sends it with no transaction open, then records the outcome — only if
 * the row still carries its token. SMTP timeouts are well under the lease, so a slow or silent
 * mail server fails the attempt (retried with backoff, finally marked failed) instead of
 * outliving it; if this replica dies mid-send, another retries after the lease. If a send does
 * outlive the lease anyway (a long pause) and another replica claimed the email, the late
 * outcome is logged and dropped, so it cannot turn `sent` back into `pending`.
 * Every message carries a Message-ID derived from its delivery, so a resend after such a crash
 * is recognisable as the same email.
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
      /** How long a claimed email is this replica's to send; longer than any SMTP timeout. */
      leaseSeconds: number;
      /** Opens the secret an email carries (a reset token), just before it is sent. */
      secrets: SecretBox;
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

  /** Claim one due email for the lease, under a fresh owner token; null when none is due. */
  private async claim(): Promise<PendingEmail | null> {
    const [row] = await this.options.db.$queryRawUnsafe<PendingEmail[]>(
      `WITH claimed AS (
         UPDATE email_deliveries
            SET next_attempt_at = now() + make_interval(secs => $1), lease_token = $2::uuid
          WHERE id = (SELECT id FROM email_deliveries
                       WHERE status = 'pending' AND next_attempt_at <= now()
                       ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
         RETURNING id, lease_token, user_id, subject, text_body, html_body, sealed_secret, attempts)
       SELECT c.id::text, c.lease_token::text, c.user_id::text, c.subject, c.text_body,
              c.html_body, c.sealed_secret, c.attempts, r.email, r.name
         FROM claimed c LEFT JOIN recipients r ON r.user_id = c.user_id`,
      this.options.leaseSeconds,
      randomUUID(),
    );
    return row ?? null;
  }

  /**
   * Record an attempt's outcome if this claim still owns the email (its token, exactly one
   * row); false, with nothing written, when the lease ran out and another claim took it.
   * One statement: the fenced update and the attempt's log row (only if the update matched).
   */
  private async recordOutcome(row: PendingEmail, outcome: Outcome): Promise<boolean> {
    const recorded = await this.options.db.$queryRaw<unknown[]>`
      WITH done AS (
        UPDATE email_deliveries
           SET status = ${outcome.status}, attempts = ${outcome.attempts}::int,
               last_error = ${outcome.error},
               next_attempt_at = COALESCE(${outcome.nextAttemptAt}::timestamptz, next_attempt_at),
               sent_at = CASE WHEN ${outcome.status} = 'sent' THEN now() ELSE sent_at END,
               sealed_secret = CASE WHEN ${outcome.status} = 'pending' THEN sealed_secret END,
               lease_token = NULL
         WHERE id = ${row.id}::uuid AND lease_token = ${row.lease_token}::uuid
        RETURNING id)
      INSERT INTO email_attempts (id, email_delivery_id, outcome, error)
      SELECT ${randomUUID()}::uuid, id, ${outcome.status === 'sent' ? 'sent' : 'failed'},
             ${outcome.error}
        FROM done
      RETURNING 1`;
    return recorded.length === 1;
  }

  /** Send one due email; false when none is due. */
  private async sendOne(): Promise<boolean> {
    const { transport, from, logger } = this.options;
    const row = await this.claim();
    if (!row) return false;
    let error: Error | null = null;
    try {
      if (!row.email) throw new Error('recipient address not known yet');
      // The secret exists in plain text only here, in memory, for this one send.
      const secret = row.sealed_secret ? this.options.secrets.open(row.sealed_secret) : null;
      const body = (text: string) => (secret ? withSecret(text, secret) : text);
      await transport.sendMail({
        from,
        to: row.name ? { name: row.name, address: row.email } : row.email,
        subject: row.subject,
        text: body(row.text_body),
        ...(row.html_body ? { html: body(row.html_body) } : {}),
        messageId: `<${row.id}@switchyard>`,
      });
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    const attempts = row.attempts + 1;
    const failed = error !== null && attempts >= MAX_ATTEMPTS;
    const recorded = await this.recordOutcome(row, {
      attempts,
      status: error ? (failed ? 'failed' : 'pending') : 'sent',
      error: error?.message.slice(0, 500) ?? null,
      nextAttemptAt: error ? new Date(Date.now() + backoffMs(attempts)) : null,
    });
    if (!recorded) {
      logger.warn(
        { emailId: row.id, leaseLost: true, outcome: error ? 'failed' : 'sent', err: error },
        'email attempt outlived its lease and another claim owns the email: outcome not recorded',
      );
      return true;
    }
    emailAttempts.inc({ outcome: error ? (failed ? 'failed' : 'retrying') : 'sent' });
    if (error) logger.warn({ emailId: row.id, attempts, failed, err: error }, 'email not sent');
    else logger.info({ emailId: row.id }, 'email sent');
    return true;
  }
}
