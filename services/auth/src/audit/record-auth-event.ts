import { streamRecorder, type AuditTarget, type ServiceAuditEntry } from '@switchyard/audit';

/**
 * The auth service's one audit stream: every entry of this service joins one hash chain, so a
 * deleted entry shows wherever it was (ADR 18). Its writers queue on one lock; sign-in's
 * password hashing happens before, outside any transaction, and dwarfs the wait.
 */
export const AUTH_AUDIT_STREAM = 'auth';

/** What an action of the auth service records, beside who did it and from where. */
export type AuthAuditEntry = ServiceAuditEntry;

/**
 * Record an action of the auth service in its trail, inside the action's transaction `tx`, as
 * its last statement (recordAuditEvent: the stream's lock is held until the commit).
 */
export const recordAuthEvent = streamRecorder(AUTH_AUDIT_STREAM);

export const userTarget = (id: string): AuditTarget => ({ type: 'user', id });
export const machineClientTarget = (clientId: string): AuditTarget => ({
  type: 'machine_client',
  id: clientId,
});
export const signingKeyTarget = (kid: string): AuditTarget => ({ type: 'signing_key', id: kid });
