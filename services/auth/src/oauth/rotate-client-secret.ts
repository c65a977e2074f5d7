import type { AuditContext } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { machineClientTarget, recordAuthEvent } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { hashToken } from '../tokens/refresh-tokens.js';
import { newClientSecret, toClientView, type MachineClientView } from './machine-clients.js';

export interface RotatedClientSecret {
  client: MachineClientView & { clientSecret: string; previousSecretExpiresAt: string };
}

/**
 * Give a machine client a new secret. The one it replaces keeps working for `overlapSeconds`
 * (0 ends it now: a leaked secret), so an integration can roll its configuration over without
 * a failed token request. Only the replaced secret overlaps: a second rotation ends the first
 * secret at once. Recorded in the audit trail with the overlap's end (never a secret). A
 * revoked client is a 409; null for an unknown client.
 */
export async function rotateClientSecret(
  db: Db,
  options: { clientId: string; by: AuditContext; overlapSeconds: number },
): Promise<RotatedClientSecret | null> {
  const client = await db.oAuthClient.findUnique({ where: { clientId: options.clientId } });
  if (!client) return null;
  if (client.disabled) throw new AppError('CONFLICT', 'The machine client is revoked');
  const now = new Date();
  const previousSecretExpiresAt = new Date(now.getTime() + options.overlapSeconds * 1000);
  const clientSecret = newClientSecret();
  // Conditional on the secret read above and the client still enabled: of two rotations at
  // once, or a rotation racing a revocation, one wins and the other is told to look again.
  await db.$transaction(async (tx) => {
    const updated = await tx.oAuthClient.updateMany({
      where: { clientId: client.clientId, secretHash: client.secretHash, disabled: false },
      data: {
        secretHash: hashToken(clientSecret),
        previousSecretHash: client.secretHash,
        previousSecretExpiresAt,
        secretRotatedAt: now,
      },
    });
    if (updated.count !== 1) {
      throw new AppError('CONFLICT', 'The machine client changed meanwhile; look and try again');
    }
    await recordAuthEvent(tx, options.by, {
      action: 'machine_client.secret_rotated',
      target: machineClientTarget(client.clientId),
      details: { previousSecretExpiresAt: previousSecretExpiresAt.toISOString() },
    });
  });
  const row = await db.oAuthClient.findUniqueOrThrow({ where: { clientId: client.clientId } });
  return {
    client: {
      ...toClientView(row, now),
      clientSecret,
      previousSecretExpiresAt: previousSecretExpiresAt.toISOString(),
    },
  };
}
