export {
  ACTOR_TYPES,
  type AuditActor,
  type AuditActorType,
  type AuditContext,
  type AuditEntry,
  type AuditOrigin,
  type AuditTarget,
  type FieldChanges,
  type StoredAuditEvent,
} from './audit-event.js';
export { AuditEnv } from './audit-env.js';
export { auditRoutes, type AuditRoutesOptions } from './audit-routes.js';
export {
  AuditActorType as AuditActorTypeSchema,
  AuditEventList,
  AuditEventQuery,
  AuditEventView,
  FieldChangesView,
} from './audit-schemas.js';
export { changedFields } from './changed-fields.js';
export { cleanJson, REDACTED } from './clean-values.js';
export { describeVerification } from './describe-verification.js';
export { entryHash, GENESIS_HASH, type HashedFields } from './entry-hash.js';
export { auditEventFilterOf, toAuditEventView } from './event-views.js';
export { listAuditEvents, type AuditEventFilter } from './list-audit-events.js';
export { purgeAuditEvents, purgeExpiredAuditEvents } from './purge-audit-events.js';
export { recordAuditEvent, type RecordedAuditEvent } from './record-audit-event.js';
export { auditContextOf, auditOriginOf, callerContextOf } from './request-context.js';
export { auditPurgeTask } from './audit-purge-task.js';
export { runVerifyAuditChainCommand } from './verify-audit-chain-command.js';
export { streamRecorder, type ServiceAuditEntry } from './stream-recorder.js';
export type { AuditDb, AuditSql } from './sql-client.js';
export {
  verifyAuditChain,
  type BrokenLink,
  type StreamVerification,
} from './verify-audit-chain.js';
