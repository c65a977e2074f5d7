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
  /** The files it carries (an issued document's PDF); empty for most emails. */
  attachments: { filename: string; contentType: string; contentBase64: string }[];
}

/**
 * Sends queued emails over SMTP. A replica claims up to `concurrency` due emails at a time by
 * pushing their next attempt a lease ahead and writing a fresh owner token (FOR UPDATE SKIP
 * LOCKED inside one short UPDATE), sends them at once with no transaction open (one pooled SMTP
 * connection each), then records each outcome — only if the row still carries its token. SMTP timeouts are well under the lease, so a slow or silent
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
  /** The earliest retry this replica scheduled and has not yet reached (epoch ms). */
  private nextRetryAt = Infinity;

  constructor(
    private readonly options: {
      db: Db;
      transport: Transporter;
      from: string;
      logger: Logger;
      /**
       * The fallback poll: this replica is nudged when it queues an email and wakes itself for
       * the retries it schedules, so the poll only finds other replicas' leftovers (a crashed
       * sender's lease running out) and can be slow — each pass costs a query at rest.
       */
      pollIntervalMs: number;
      /** Most emails sent at once (a slow relay otherwise caps mail at one per round trip). */
      concurrency: number;
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
          if (!this.stopped) this.schedule(this.idleDelay());
        });
    }, delay);
  }

  /** Until the next poll, or this replica's next retry if that comes first. */
  private idleDelay(): number {
    const now = Date.now();
    if (this.nextRetryAt <= now) this.nextRetryAt = Infinity;
    return Math.max(0, Math.min(this.options.pollIntervalMs, this.nextRetryAt - now));
  }

  private async drain(): Promise<void> {
    // A full batch may have left more due: claim again; a short one means none were left.
    let claimed: PendingEmail[];
    do {
      claimed = this.stopped ? [] : await this.claim(this.options.concurrency);
      await Promise.all(claimed.map((row) => this.send(row)));
    } while (claimed.length === this.options.concurrency);
  }

  /** Claim up to `limit` due emails for the lease, under a fresh owner token. */
  private claim(limit: number): Promise<PendingEmail[]> {
    return this.options.db.$queryRawUnsafe<PendingEmail[]>(
      `WITH claimed AS (
         UPDATE email_deliveries
            SET next_attempt_at = now() + make_interval(secs => $1), lease_token = $2::uuid
          WHERE id IN (SELECT id FROM email_deliveries
                        WHERE status = 'pending' AND next_attempt_at <= now()
                        ORDER BY next_attempt_at LIMIT $3 FOR UPDATE SKIP LOCKED)
         RETURNING id, lease_token, user_id, subject, text_body, html_body, sealed_secret, attempts,
                   to_address)
       SELECT c.id::text, c.lease_token::text, c.user_id::text, c.subject, c.text_body,
              c.html_body, c.sealed_secret, c.attempts, COALESCE(c.to_address, r.email) AS email,
              r.name,
              -- base64 without the line breaks encode() puts every 76 characters.
              COALESCE((SELECT json_agg(json_build_object(
                                 'filename', a.filename, 'contentType', a.content_type,
                                 'contentBase64', translate(encode(a.content, 'base64'), E'\\n', ''))
                               ORDER BY a.filename)
                          FROM email_attachments a
                         WHERE a.email_delivery_id = c.id AND a.content IS NOT NULL),
                       '[]'::json) AS attachments
         FROM claimed c LEFT JOIN recipients r ON r.user_id = c.user_id`,
      this.options.leaseSeconds,
      randomUUID(),
      limit,
    );
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
        RETURNING id),
      -- Billing keeps the documents; once the email is done its copies of the files go.
      files AS (
        UPDATE email_attachments SET content = NULL
         WHERE ${outcome.status} <> 'pending' AND email_delivery_id IN (SELECT id FROM done))
      INSERT INTO email_attempts (id, email_delivery_id, outcome, error)
      SELECT ${randomUUID()}::uuid, id, ${outcome.status === 'sent' ? 'sent' : 'failed'},
             ${outcome.error}
        FROM done
      RETURNING 1`;
    return recorded.length === 1;
  }

  /** Send one claimed email and record what came of it. */
  private async send(row: PendingEmail): Promise<void> {
    const { transport, from, logger } = this.options;
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
        ...(row.attachments.length
          ? {
              attachments: row.attachments.map((file) => ({
                filename: file.filename,
                contentType: file.contentType,
                content: Buffer.from(file.contentBase64, 'base64'),
              })),
            }
          : {}),
        messageId: `<${row.id}@switchyard>`,
      });
    } catch (e) {
      error = e instanceof Error ? e : new Error(String(e));
    }
    const attempts = row.attempts + 1;
    const failed = error !== null && attempts >= MAX_ATTEMPTS;
    const retryAt = error ? Date.now() + backoffMs(attempts) : null;
    const recorded = await this.recordOutcome(row, {
      attempts,
      status: error ? (failed ? 'failed' : 'pending') : 'sent',
      error: error?.message.slice(0, 500) ?? null,
      nextAttemptAt: retryAt === null ? null : new Date(retryAt),
    });
    if (!recorded) {
      logger.warn(
        { emailId: row.id, leaseLost: true, outcome: error ? 'failed' : 'sent', err: error },
        'email attempt outlived its lease and another claim owns the email: outcome not recorded',
      );
      return;
    }
    if (retryAt !== null && !failed) this.nextRetryAt = Math.min(this.nextRetryAt, retryAt);
    emailAttempts.inc({ outcome: error ? (failed ? 'failed' : 'retrying') : 'sent' });
    if (error) logger.warn({ emailId: row.id, attempts, failed, err: error }, 'email not sent');
    else logger.info({ emailId: row.id }, 'email sent');
  }
}
