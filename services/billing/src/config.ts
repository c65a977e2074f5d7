import { AuditEnv } from '@switchyard/audit';
import { Type, type Static } from '@sinclair/typebox';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';

/** Days after a failed renewal at which it is tried again: comma-separated, rising. */
const RetryDays = Type.String({ pattern: '^\\d{1,3}(,\\d{1,3}){0,9}$', default: '1,3,5' });

export const BillingConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  // AUDIT_RETENTION_DAYS, AUDIT_PURGE_INTERVAL_MS: the audit trail's retention (ADR 18).
  AuditEnv,
  Type.Object({
    /** The disabled-user denylist only: the service starts and serves without Redis. */
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    /** Dunning: days after the first failed charge of a period at which it is retried. */
    BILLING_DUNNING_RETRY_DAYS: RetryDays,
    /** How often the renewal sweep looks for due periods and retries (a pg-boss cron). */
    BILLING_SWEEP_CRON: Type.String({ default: '* * * * *', minLength: 9 }),
    /** How often an idle job worker looks for jobs another replica queued (pg-boss polling). */
    BILLING_JOB_POLL_SECONDS: Type.Number({ minimum: 0.5, maximum: 300, default: 10 }),
    /**
     * Lets tests move billing's clock (`/v1/admin/billing/clock`). Never in production: the
     * route does not exist without it.
     */
    BILLING_TEST_CLOCK: Type.Boolean({ default: false }),
    /** The seller on every document (name, address lines separated by `|`, tax id). */
    BILLING_SELLER_NAME: Type.String({ minLength: 1, default: 'Switchyard Demo Shop GmbH' }),
    BILLING_SELLER_ADDRESS: Type.String({
      minLength: 1,
      default: 'Gleisstraße 1|10115 Berlin|Germany',
    }),
    BILLING_SELLER_TAX_ID: Type.String({ default: 'DE000000000' }),
    /** The seller's country: its rates apply to a buyer without a billing address. */
    BILLING_SELLER_COUNTRY: Type.String({ pattern: '^[A-Z]{2}$', default: 'DE' }),
    /**
     * The tax table: `COUNTRY:category=rate%` entries separated by commas, rates with up to two
     * decimals (`DE:standard=19,DE:reduced=7`). `*` as country is the fallback.
     */
    BILLING_TAX_RATES: Type.String({
      minLength: 1,
      default:
        'DE:standard=19,DE:reduced=7,FR:standard=20,FR:reduced=5.5,NL:standard=21,NL:reduced=9,AT:standard=20,GB:standard=20,*:standard=0,*:reduced=0',
    }),
    /** Whether catalog and plan prices include tax (consumer prices in the EU do). */
    BILLING_PRICES_INCLUDE_TAX: Type.Boolean({ default: true }),
    BILLING_INVOICE_SERIES: Type.String({ pattern: '^[A-Z]{2,8}$', default: 'INV' }),
    BILLING_CREDIT_NOTE_SERIES: Type.String({ pattern: '^[A-Z]{2,8}$', default: 'CN' }),
  }),
]);
export type BillingConfig = Static<typeof BillingConfig>;

/** The dunning schedule as days, rising (config validation guarantees the digits). */
export function retryScheduleDays(value: string): number[] {
  const days = value.split(',').map(Number);
  for (let i = 1; i < days.length; i++) {
    if (days[i]! <= days[i - 1]!) throw new Error('BILLING_DUNNING_RETRY_DAYS must rise');
  }
  return days;
}
