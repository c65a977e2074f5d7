import { randomBytes, timingSafeEqual } from 'node:crypto';
import { changedFields, type AuditContext } from '@switchyard/audit';
import { machineClientTarget, recordAuthEvent } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { hashToken } from '../tokens/refresh-tokens.js';

/** Scopes a machine client may be granted. */
export const CLIENT_SCOPES = [
  'orders:read',
  'payments:read',
  'notifications:read',
  'catalog:write',
  'webhooks:manage',
] as const;

/** The shape of every client id registerClient issues (the list's cursors carry one). */
export const CLIENT_ID_PATTERN = /^cli_[0-9a-f]{24}$/;

export interface MachineClientView {
  clientId: string;
  name: string;
  scopes: string[];
  disabled: boolean;
  createdAt: string;
  revokedAt: string | null;
  secretRotatedAt: string | null;
  /** Until then the secret the last rotation replaced is still accepted. */
  previousSecretExpiresAt: string | null;
}

/** A new client secret: 256 random bits, shown once, stored as a SHA-256 hash. */
export const newClientSecret = () => `sec_${randomBytes(32).toString('base64url')}`;

/**
 * Register a machine client. Its secret is shown once, here, and stored as a SHA-256 hash:
 * 256 random bits need no slow hash (nothing to brute-force), unlike a person's password. The
 * creation is recorded in the audit trail (name and scopes; never the secret).
 */
export async function registerClient(
  db: Db,
  options: { name: string; scopes: string[]; createdBy: string; by: AuditContext },
): Promise<MachineClientView & { clientSecret: string }> {
  const clientId = `cli_${randomBytes(12).toString('hex')}`;
  const clientSecret = newClientSecret();
  const client = await db.$transaction(async (tx) => {
    const created = await tx.oAuthClient.create({
      data: {
        clientId,
        name: options.name,
        scopes: [...new Set(options.scopes)],
        secretHash: hashToken(clientSecret),
        createdBy: options.createdBy,
      },
    });
    await recordAuthEvent(tx, options.by, {
      action: 'machine_client.created',
      target: machineClientTarget(clientId),
      changes: changedFields(null, created, ['name', 'scopes']),
    });
    return created;
  });
  return { ...toClientView(client), clientSecret };
}

export type ClientRow = Awaited<ReturnType<Db['oAuthClient']['findUniqueOrThrow']>>;

const iso = (date: Date | null) => (date ? date.toISOString() : null);

export function toClientView(client: ClientRow, now = new Date()): MachineClientView {
  const overlapping =
    client.previousSecretExpiresAt && client.previousSecretExpiresAt > now
      ? client.previousSecretExpiresAt
      : null;
  return {
    clientId: client.clientId,
    name: client.name,
    scopes: client.scopes,
    disabled: client.disabled,
    createdAt: client.createdAt.toISOString(),
    revokedAt: iso(client.revokedAt),
    secretRotatedAt: iso(client.secretRotatedAt),
    previousSecretExpiresAt: iso(overlapping),
  };
}

/**
 * The client if id and secret match an enabled client, else null. The secret may be the
 * current one or, until its overlap ends, the one the last rotation replaced. Both compares
 * always run, in constant time, whether the client exists or not.
 */
export async function authenticateClient(db: Db, clientId: string, clientSecret: string) {
  const client = await db.oAuthClient.findUnique({ where: { clientId } });
  const presented = Buffer.from(hashToken(clientSecret), 'hex');
  const standIn = () => Buffer.from(hashToken(randomBytes(16).toString('hex')), 'hex');
  const current = client ? Buffer.from(client.secretHash, 'hex') : standIn();
  const previous = client?.previousSecretHash
    ? Buffer.from(client.previousSecretHash, 'hex')
    : standIn();
  const matchesCurrent = timingSafeEqual(presented, current);
  const matchesPrevious = timingSafeEqual(presented, previous);
  const previousValid =
    !!client?.previousSecretHash &&
    !!client.previousSecretExpiresAt &&
    client.previousSecretExpiresAt > new Date();
  const matches = matchesCurrent || (matchesPrevious && previousValid);
  return client && matches && !client.disabled ? client : null;
}
