import { listAuditEvents } from '@switchyard/audit';
import type { Db } from '../db.js';
import { listSessions } from '../sessions/list-sessions.js';
import { toProfileView } from './profile-view.js';

/** The audit trail's entries about the account, at most this many (newest first). */
const MAX_SECURITY_EVENTS = 1_000;

/**
 * What auth holds about a person, for their data export: the account (never the password
 * hash), its live sessions with their devices, and the audit trail's entries about it as the
 * security-events list shows them.
 */
export async function exportAccountData(db: Db, userId: string): Promise<Record<string, unknown>> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) return {};
  const events = await listAuditEvents(db, {
    targetType: 'user',
    targetId: userId,
    limit: MAX_SECURITY_EVENTS,
  });
  return {
    account: {
      id: user.id,
      ...toProfileView(user),
      emailVerifiedAt: user.emailVerifiedAt?.toISOString() ?? null,
      roles: user.roles,
      createdAt: user.createdAt.toISOString(),
    },
    sessions: await listSessions(db, userId, undefined, { limit: 10_000, after: null }),
    securityEvents: events.items.map((e) => ({
      occurredAt: e.occurredAt,
      action: e.action,
      actor: e.actor.type,
      ip: e.actor.type === 'user' || e.actor.type === 'anonymous' ? e.ip : null,
      userAgent: e.actor.type === 'user' || e.actor.type === 'anonymous' ? e.userAgent : null,
    })),
  };
}
