import type { KeysetPosition } from '@switchyard/service-kit';
import type { Db } from '../db.js';

export interface SessionView {
  id: string;
  /** The client the session signed in through (the first-party web client, or an app's id). */
  clientId: string;
  userAgent: string | null;
  ip: string | null;
  createdAt: string;
  /** When its refresh token was last used (or the sign-in, if never refreshed). */
  lastUsedAt: string;
  expiresAt: string;
  /** The session of the access token that asked. */
  current: boolean;
}

interface SessionRow {
  id: string;
  client_id: string;
  user_agent: string | null;
  ip: string | null;
  created_at: Date;
  last_used_at: Date;
  expires_at: Date;
}

/**
 * A page of the user's live sessions, most recently used first (then by id): one per
 * refresh-token family that still holds a token that can be used (not used, revoked or
 * expired). Each rotation adds a token to the family, so the newest token's creation is the
 * session's last use. `after` is the last session of the page before; one more than `limit`
 * comes back when there is a next page (keysetPage).
 */
export async function listSessions(
  db: Db,
  userId: string,
  currentSessionId: string | undefined,
  page: { limit: number; after: KeysetPosition | null },
): Promise<SessionView[]> {
  const afterAt = page.after?.createdAt ?? null;
  const afterId = page.after?.id ?? null;
  const rows = await db.$queryRaw<SessionRow[]>`
    SELECT * FROM (
      SELECT family_id::text AS id, client_id, max(user_agent) AS user_agent, max(ip) AS ip,
             min(created_at) AS created_at, max(created_at) AS last_used_at,
             max(expires_at) AS expires_at
        FROM refresh_tokens
       WHERE user_id = ${userId}::uuid
       GROUP BY family_id, client_id
      HAVING bool_or(revoked_at IS NULL AND used_at IS NULL AND expires_at > now())
    ) s
     WHERE ${afterAt}::timestamptz IS NULL
        OR (s.last_used_at, s.id) < (${afterAt}::timestamptz, ${afterId}::text)
     ORDER BY s.last_used_at DESC, s.id DESC
     LIMIT ${page.limit + 1}`;
  return rows.map((row) => ({
    id: row.id,
    clientId: row.client_id,
    userAgent: row.user_agent,
    ip: row.ip,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at.toISOString(),
    expiresAt: row.expires_at.toISOString(),
    current: row.id === currentSessionId,
  }));
}
