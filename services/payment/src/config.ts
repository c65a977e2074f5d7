import { Type, type Static } from '@sinclair/typebox';
import { AuditEnv } from '@switchyard/audit';
import {
  AuthEnv,
  DatabaseEnv,
  KafkaEnv,
  kafkaCredentialsRule,
  ServerEnv,
  type ConfigRule,
} from '@switchyard/service-kit';

const ProviderEnv = Type.Object({
  /** The payment provider's API (locally: infra/payment-sandbox). */
  PROVIDER_URL: Type.String({ pattern: '^https?://' }),
  PROVIDER_API_KEY: Type.String({ minLength: 8 }),
  /** The secret the provider signs webhooks with. */
  PROVIDER_WEBHOOK_SECRET: Type.String({ minLength: 16 }),
  /**
   * Where the customer's browser returns after authenticating a payment (3-D Secure) on the
   * provider's page: the shop's page for the order. Without it Stripe leaves authentication to
   * its client SDK (Stripe.js, with the client secret the payment API gives the owner).
   */
  PAYMENT_RETURN_URL: Type.Optional(Type.String({ pattern: '^https?://' })),
  /** A webhook signed longer ago than this is refused (replay protection). */
  WEBHOOK_TOLERANCE_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
  /** Longest wait for one provider request before it counts as failed. */
  PROVIDER_TIMEOUT_MS: Type.Integer({ minimum: 100, default: 10_000 }),
  /** Attempts per provider call (5xx, timeouts, network errors; same idempotency key). */
  PROVIDER_MAX_ATTEMPTS: Type.Integer({ minimum: 1, maximum: 10, default: 3 }),
  PROVIDER_RETRY_BASE_MS: Type.Integer({ minimum: 1, default: 200 }),
  /**
   * Most time one provider call may take with its retries. Keep it under
   * KAFKA_REBALANCE_TIMEOUT_MS (a charge runs inside an event handler) and under the shutdown
   * grace (docs/decisions/0009).
   */
  PROVIDER_CALL_BUDGET_MS: Type.Integer({ minimum: 100, maximum: 120_000, default: 20_000 }),
  /**
   * Most charges this process has at the provider at once. Each holds a database connection
   * for its whole provider call, so it stays at least CONNECTIONS_KEPT_FROM_CHARGES below
   * DB_POOL_MAX (checked at start): a slow provider must not take the connections /readyz,
   * webhooks, cancellations, the outbox relay and the jobs need. Further charges wait for a
   * turn without a connection.
   */
  PAYMENT_CHARGES_IN_FLIGHT: Type.Integer({ minimum: 1, maximum: 200, default: 4 }),
});

const JobsEnv = Type.Object({
  RECONCILE_INTERVAL_MS: Type.Integer({ minimum: 100, default: 300_000 }),
  /** How far back reconciliation compares charges with the provider. */
  RECONCILE_LOOKBACK_HOURS: Type.Integer({ minimum: 1, default: 72 }),
  WATCHDOG_INTERVAL_MS: Type.Integer({ minimum: 100, default: 30_000 }),
  /** A payment or refund pending this long without news is asked about again. */
  STUCK_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 60 }),
  /** A payment the provider could not be reached for this long fails (and compensates). */
  GIVE_UP_AFTER_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
});

const RedisEnv = Type.Object({
  /** Read for the disabled-user denylist only (defence in depth behind the gateway). */
  REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
});

export const PaymentConfig = Type.Composite([
  RedisEnv,
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  ProviderEnv,
  JobsEnv,
  // AUDIT_RETENTION_DAYS, AUDIT_PURGE_INTERVAL_MS: the audit trail's retention (ADR 18).
  AuditEnv,
]);
export type PaymentConfig = Static<typeof PaymentConfig>;

/**
 * Connections the charges in flight may never take: /readyz, a provider webhook, an
 * order.cancelled (which waits on the order's charge lock holding one), and the relay or a job.
 */
export const CONNECTIONS_KEPT_FROM_CHARGES = 4;

/** Rules between the payment service's variables (loadConfig checks them at start). */
export const paymentConfigRules: ConfigRule<PaymentConfig>[] = [
  ({ PAYMENT_CHARGES_IN_FLIGHT: charges, DB_POOL_MAX: pool }) =>
    pool - charges >= CONNECTIONS_KEPT_FROM_CHARGES
      ? undefined
      : `invalid environment variable PAYMENT_CHARGES_IN_FLIGHT: ${charges} charges in flight ` +
        `leave ${pool - charges} of DB_POOL_MAX's ${pool} connections for everything else; ` +
        `at least ${CONNECTIONS_KEPT_FROM_CHARGES} are needed (set it to ` +
        `${pool - CONNECTIONS_KEPT_FROM_CHARGES} or less, or raise DB_POOL_MAX)`,
  kafkaCredentialsRule,
];
