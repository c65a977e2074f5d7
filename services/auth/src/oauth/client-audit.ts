/**
 * What an audit trail needs of a change to a machine client: who did it, to which client,
 * what, and when. Never a secret: the record has no field that could hold one.
 */
export interface ClientAuditEvent {
  action: 'machine_client.revoked' | 'machine_client.secret_rotated';
  clientId: string;
  /** `user:<id>` for an admin through the API, `cli:<operator>` for the command line. */
  actor: string;
  at: string;
  /** For a rotation: until when the replaced secret is still accepted. */
  previousSecretExpiresAt?: string;
}

interface InfoLogger {
  info(object: object, message: string): void;
}

const MESSAGES: Record<ClientAuditEvent['action'], string> = {
  'machine_client.revoked': 'machine client revoked',
  'machine_client.secret_rotated': 'machine client secret rotated',
};

/** One log line per change, `audit` holding the event, so a log pipeline can pick them out. */
export function logClientAudit(logger: InfoLogger, event: ClientAuditEvent): void {
  logger.info({ audit: event }, MESSAGES[event.action]);
}
