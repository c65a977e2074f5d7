import { randomBytes, timingSafeEqual } from 'node:crypto';
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

export interface MachineClientView {
  clientId: string;
  name: string;
  scopes: string[];
  disabled: boolean;
  createdAt: string;
}

/**
 * Register a machine client. Its secret is shown once, here, and stored as a SHA-256 hash:
 * 256 random bits need no slow hash (nothing to brute-force), unlike a person's password.
 */
export async function registerClient(
  db: Db,
  options: { name: string; scopes: string[]; createdBy: string },
): Promise<MachineClientView & { clientSecret: string }> {
  const clientId = `cli_${randomBytes(12).toString('hex')}`;
  const clientSecret = `sec_${randomBytes(32).toString('base64url')}`;
  const client = await db.oAuthClient.create({
    data: {
      clientId,
      name: options.name,
      scopes: [...new Set(options.scopes)],
      secretHash: hashToken(clientSecret),
      createdBy: options.createdBy,
    },
  });
  return { ...toClientView(client), clientSecret };
}

export function toClientView(client: {
  clientId: string;
  name: string;
  scopes: string[];
  disabled: boolean;
  createdAt: Date;
}): MachineClientView {
  return {
    clientId: client.clientId,
    name: client.name,
    scopes: client.scopes,
    disabled: client.disabled,
    createdAt: client.createdAt.toISOString(),
  };
}

/** The client if id and secret match an enabled client, else null (constant-time compare). */
export async function authenticateClient(db: Db, clientId: string, clientSecret: string) {
  const client = await db.oAuthClient.findUnique({ where: { clientId } });
  const presented = Buffer.from(hashToken(clientSecret), 'hex');
  const stored = Buffer.from(
    client?.secretHash ?? hashToken(randomBytes(16).toString('hex')),
    'hex',
  );
  const matches = timingSafeEqual(presented, stored);
  return client && matches && !client.disabled ? client : null;
}
