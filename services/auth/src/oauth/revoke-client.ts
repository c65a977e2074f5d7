import type { Redis } from 'ioredis';
import type { AuditContext } from '@switchyard/audit';
import { markDisabled } from '@switchyard/service-kit';
import { revokedByOf } from '../audit/actors.js';
import { machineClientTarget, recordAuthEvent } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { toClientView, type MachineClientView } from './machine-clients.js';

export interface RevokedClient {
  client: MachineClientView;
  /** True when this call revoked it; false when it was revoked already. */
  newlyRevoked: boolean;
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
 * take it now. Revoking a revoked client changes nothing but writes its entry again. The
 * revocation is recorded in the audit trail in its transaction (the denylist write is not part
 * of it: the row is the truth). Null for an unknown client.
 */
export async function revokeClient(
  db: Db,
  redis: Redis,
  options: { clientId: string; by: AuditContext; accessTokenTtlSeconds: number },
): Promise<RevokedClient | null> {
  const now = new Date();
  const claimed = await db.$transaction(async (tx) => {
    const { count } = await tx.oAuthClient.updateMany({
      where: { clientId: options.clientId, disabled: false },
      data: {
        disabled: true,
        revokedAt: now,
        revokedBy: revokedByOf(options.by.actor),
        // A revoked client has no secret worth keeping in overlap.
        previousSecretHash: null,
        previousSecretExpiresAt: null,
      },
    });
    if (count === 1)
      await recordAuthEvent(tx, options.by, {
        action: 'machine_client.revoked',
        target: machineClientTarget(options.clientId),
        changes: { disabled: { before: false, after: true } },
      });
    return count === 1;
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
  return { client: toClientView(client, now), denylistError, newlyRevoked: claimed };
}
