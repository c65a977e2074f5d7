import type { Redis } from 'ioredis';
import { markDisabled } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { ClientAuditEvent } from './client-audit.js';
import { toClientView, type MachineClientView } from './machine-clients.js';

export interface RevokedClient {
  client: MachineClientView;
  /** Set when this call revoked it; null when it was revoked already. */
  audit: ClientAuditEvent | null;
  /**
   * Why the denylist entry could not be written now (Redis away), else null. The revocation
   * stands: the gateway refuses every token while it cannot read the denylist, and the sync
   * writes the entry as soon as Redis is back.
   */
  denylistError: Error | null;
}

/**
 * Revoke a machine client, for ever: it gets no new token, and its live access tokens go on
 * the denylist the gateway and every service read — the one a disabled user's tokens go on
 * (keyed by the token's subject, which for a machine client is its client id). The row is the
 * source of truth: the denylist sync writes the entry again if Redis loses it, or could not
 * take it now. Revoking a revoked client changes nothing but writes its entry again.
 * Null for an unknown client.
 */
export async function revokeClient(
  db: Db,
  redis: Redis,
  options: { clientId: string; actor: string; accessTokenTtlSeconds: number },
): Promise<RevokedClient | null> {
  const now = new Date();
  const claimed = await db.oAuthClient.updateMany({
    where: { clientId: options.clientId, disabled: false },
    data: {
      disabled: true,
      revokedAt: now,
      revokedBy: options.actor,
      // A revoked client has no secret worth keeping in overlap.
      previousSecretHash: null,
      previousSecretExpiresAt: null,
    },
  });
  const client = await db.oAuthClient.findUnique({ where: { clientId: options.clientId } });
  if (!client) return null;
  const revokedAt = client.revokedAt ?? now;
  // Tokens live at most an access token's lifetime after the revocation: only then is an entry needed.
  const stillLive =
    now.getTime() - revokedAt.getTime() < (options.accessTokenTtlSeconds + 60) * 1000;
  let denylistError: Error | null = null;
  try {
    if (stillLive) await markDisabled(redis, client.clientId, options.accessTokenTtlSeconds);
  } catch (error) {
    denylistError = error instanceof Error ? error : new Error(String(error));
  }
  return {
    client: toClientView(client, now),
    denylistError,
    audit:
      claimed.count === 1
        ? {
            action: 'machine_client.revoked',
            clientId: client.clientId,
            actor: options.actor,
            at: revokedAt.toISOString(),
          }
        : null,
  };
}
