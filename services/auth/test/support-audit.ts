import { queryDb } from '@switchyard/testing';

export interface AuditRow {
  seq: string;
  action: string;
  actor_type: string;
  actor_id: string | null;
  target_type: string | null;
  target_id: string | null;
  changes: Record<string, { before: unknown; after: unknown }> | null;
  details: Record<string, unknown> | null;
  ip: string | null;
  user_agent: string | null;
  request_id: string | null;
}

/** The auth trail's entries about one target (or all of them), in chain order. */
export function auditEntries(databaseUrl: string, targetId?: string): Promise<AuditRow[]> {
  return queryDb<AuditRow>(
    databaseUrl,
    `SELECT seq::text AS seq, action, actor_type, actor_id, target_type, target_id, changes,
            details, ip, user_agent, request_id
       FROM audit_events WHERE stream = 'auth' AND ($1::text IS NULL OR target_id = $1)
      ORDER BY audit_events.seq`,
    [targetId ?? null],
  );
}

/** Where a test's requests come from, as the audit trail should show it. */
export const client = { remoteAddress: '198.51.100.23', userAgent: 'AuditTest/1.0 (jest)' };
