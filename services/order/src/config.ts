import { Type, type Static } from '@sinclair/typebox';
import { AuditEnv } from '@switchyard/audit';
import { AuthEnv, DatabaseEnv, KafkaEnv, ServerEnv } from '@switchyard/service-kit';
import { AutomationEnv } from './automation/automation-config.js';

export const OrderConfig = Type.Composite([
  ServerEnv,
  DatabaseEnv,
  KafkaEnv,
  AuthEnv,
  AutomationEnv,
  // AUDIT_RETENTION_DAYS, AUDIT_PURGE_INTERVAL_MS: the audit trail's retention (ADR 18).
  AuditEnv,
  Type.Object({
    REDIS_URL: Type.String({ pattern: '^rediss?://', default: 'redis://127.0.0.1:6379' }),
    /** Key prefix for the catalog cache (separate deployments or test runs on one Redis). */
    CACHE_NAMESPACE: Type.String({ default: '' }),
    CATALOG_CACHE_TTL_SECONDS: Type.Integer({ minimum: 1, default: 300 }),
    /** An order still unpaid this long after placement is cancelled (stock released). */
    ORDER_PAYMENT_TIMEOUT_SECONDS: Type.Integer({ minimum: 1, default: 900 }),
    EXPIRY_SWEEP_INTERVAL_MS: Type.Integer({ minimum: 50, default: 10_000 }),
    /**
     * How long a placement holds its Idempotency-Key before a retry with the same key may take
     * it over (the first request is presumed dead). Keep the database timeouts well under it
     * (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS), so a request rarely outlives its hold.
     */
    IDEMPOTENCY_LOCK_MS: Type.Integer({ minimum: 500, maximum: 3_600_000, default: 60_000 }),
  }),
]);
export type OrderConfig = Static<typeof OrderConfig>;
