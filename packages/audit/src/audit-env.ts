import { Type } from '@sinclair/typebox';

/** Retention of a service's audit trail (its config schema composes this). */
export const AuditEnv = Type.Object({
  /** Entries older than this many days are purged (verification starts at the purge's anchor). */
  AUDIT_RETENTION_DAYS: Type.Integer({ minimum: 1, maximum: 36_500, default: 400 }),
  /** How often each replica looks for entries past retention (an indexed query when none are). */
  AUDIT_PURGE_INTERVAL_MS: Type.Integer({ minimum: 1000, default: 3_600_000 }),
});
