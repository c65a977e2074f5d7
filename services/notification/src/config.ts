import { Type, type Static } from '@sinclair/typebox';
import { AuditEnv } from '@switchyard/audit';
import { AuthEnv, DatabaseEnv, KafkaEnv, SealingKeyring, ServerEnv } from '@switchyard/service-kit';

const EmailEnv = Type.Object({
  /** e.g. smtp://127.0.0.1:1025 locally, smtps://user:pass@relay:465 in production. */
  SMTP_URL: Type.String({ pattern: '^smtps?://' }),
  MAIL_FROM: Type.String({ default: 'Switchyard <no-reply@switchyard.local>' }),
  /**
   * The fallback poll for emails this replica was not told of (another replica's, after its
   * lease ran out); its own are sent when queued and its retries when due.
   */
  EMAIL_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, default: 5_000 }),
  /** Most emails sent at once per replica, each on its own pooled SMTP connection. */
  EMAIL_SEND_CONCURRENCY: Type.Integer({ minimum: 1, maximum: 32, default: 4 }),
  /**
   * Longest wait for the mail server at each step (connect, greeting, any reply). A claimed
   * email is this replica's for four times as long, so a silent server fails the attempt
   * long before another replica could send the same email.
   */
  /**
   * Shared with auth only (one secret in k8s, reset-token-sealing): opens reset tokens just
   * before their email is sent. A keyring: comma-separated, newest first; any listed key opens.
   */
  RESET_TOKEN_SEALING_KEY: SealingKeyring(),
  SMTP_TIMEOUT_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 15_000 }),
});

const LinkEnv = Type.Object({
  /**
   * Where a customer updates the card their subscription is charged to (the shop's billing
   * page): a failed renewal's message links to it. The default is the local web console.
   */
  BILLING_ACCOUNT_URL: Type.String({
    pattern: '^https?://[^\\s]+$',
    maxLength: 2048,
    default: 'http://localhost:5173/account/billing',
  }),
  /**
   * The shop's page that verifies an email address: a verification email links to it with the
   * token as `?token=`, and the page posts it to POST /v1/account/email/verify.
   */
  EMAIL_VERIFICATION_URL: Type.String({
    pattern: '^https?://[^\\s?#]+$',
    maxLength: 2048,
    default: 'http://localhost:5173/account/verify-email',
  }),
});

const RealtimeEnv = Type.Object({
  REDIS_URL: Type.String({ pattern: '^rediss?://' }),
  /** The Redis pub/sub channel every replica of this deployment shares. */
  REALTIME_CHANNEL: Type.String({ minLength: 1, default: 'switchyard:notifications' }),
  /** A comment line on every open stream this often, so idle proxies keep it open (the
   * gateway ends an upstream body silent for UPSTREAM_TIMEOUT_MS, 10 s by default). */
  SSE_HEARTBEAT_MS: Type.Integer({ minimum: 100, default: 5_000 }),
  SSE_RETRY_MS: Type.Integer({ minimum: 100, default: 3_000 }),
});

const WebhookEnv = Type.Object({
  /**
   * Encrypts webhook signing secrets at rest. A keyring: 32 random bytes each, base64,
   * comma-separated, newest first (it seals; any listed key opens; reseal-webhook-secrets
   * moves stored secrets to the newest before an old key is dropped).
   */
  WEBHOOK_SECRETS_KEY: SealingKeyring(),
  /** Comma-separated IPs/CIDRs webhooks may reach although not public (tests, on-prem). */
  WEBHOOK_ALLOWED_TARGETS: Type.String({ default: '' }),
  /**
   * The fallback poll: a queued webhook is sent at once; retries (a minute and more apart) and
   * other replicas' leftovers wait for the poll, so it need not be fast.
   */
  WEBHOOK_POLL_INTERVAL_MS: Type.Integer({ minimum: 50, default: 5_000 }),
  WEBHOOK_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  WEBHOOK_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 30, default: 12 }),
  /** First retry delay; doubles per attempt, with jitter (12 attempts ≈ 1.5 days at 60 s). */
  WEBHOOK_RETRY_BASE_MS: Type.Integer({ minimum: 10, default: 60_000 }),
  /** An endpoint failing this long without one success is disabled and its owner told. */
  WEBHOOK_DISABLE_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 3 * 24 * 3600 }),
});

export const NotificationConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  EmailEnv,
  LinkEnv,
  RealtimeEnv,
  WebhookEnv,
  // AUDIT_RETENTION_DAYS, AUDIT_PURGE_INTERVAL_MS: the audit trail's retention (ADR 18).
  AuditEnv,
]);
export type NotificationConfig = Static<typeof NotificationConfig>;
