import { listAuditEvents, type StoredAuditEvent } from '@switchyard/audit';
import type { KeysetPage } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { SecurityEventView } from '../schemas/security-events.js';

/**
 * Where it came from is shown for what the user or a caller not signed in did (a sign-in
 * attempt, a reset asked for: theirs to recognise or not); an admin's or the platform's
 * address and identity are theirs, not the user's to see.
 */
const FROM_OUTSIDE = new Set(['user', 'anonymous']);

function toSecurityEventView(event: StoredAuditEvent): SecurityEventView {
  const shown = FROM_OUTSIDE.has(event.actor.type);
  return {
    id: event.id,
    occurredAt: event.occurredAt,
    action: event.action,
    actor: { type: event.actor.type },
    ip: shown ? event.ip : null,
    userAgent: shown ? event.userAgent : null,
    changes: event.changes,
  };
}

/** The signed-in user's own account's audit entries, newest first, a page at a time. */
export async function listSecurityEvents(
  db: Db,
  userId: string,
  page: { limit: number; cursor?: string },
): Promise<KeysetPage<SecurityEventView>> {
  const { items, nextCursor } = await listAuditEvents(db, {
    targetType: 'user',
    targetId: userId,
    ...page,
  });
  return { items: items.map(toSecurityEventView), nextCursor };
}
