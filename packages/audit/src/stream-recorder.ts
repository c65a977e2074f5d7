import type { AuditContext, AuditEntry } from './audit-event.js';
import { recordAuditEvent, type RecordedAuditEvent } from './record-audit-event.js';
import type { AuditSql } from './sql-client.js';

/** What an action records, beside who did it, from where, and the stream. */
export type ServiceAuditEntry = Pick<AuditEntry, 'action' | 'target' | 'changes' | 'details'>;

/**
 * A service's recorder for its one stream (ADR 18: named after the service): record an action
 * inside its transaction `tx`, as its last statement (recordAuditEvent: the stream's lock is
 * held until the commit).
 */
export function streamRecorder(stream: string) {
  return (tx: AuditSql, by: AuditContext, entry: ServiceAuditEntry): Promise<RecordedAuditEvent> =>
    recordAuditEvent(tx, { ...by, ...entry, stream });
}
