import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { anonymous, asUser } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';

/** The first-party client that /v1/auth/login issues refresh tokens to. */
export const FIRST_PARTY_CLIENT = 'switchyard-web';

export const hashToken = (token: string) => createHash('sha256').update(token).digest('hex');

/** A new opaque refresh token in `familyId` (a new family per login). Only its hash is stored. */
export async function issueRefreshToken(
  db: Pick<Db, 'refreshToken'>,
  options: {
    userId: string;
    clientId: string;
    familyId?: string;
    ttlSeconds: number;
    /** Where the session signed in from, shown to its owner (sessions list). */
    device?: SessionDevice;
  },
): Promise<string> {
  const token = randomBytes(32).toString('base64url');
  await db.refreshToken.create({
    data: {
      id: randomUUID(),
      userId: options.userId,
      clientId: options.clientId,
      familyId: options.familyId ?? randomUUID(),
      tokenHash: hashToken(token),
      expiresAt: new Date(Date.now() + options.ttlSeconds * 1000),
      userAgent: options.device?.userAgent?.slice(0, 500) ?? null,
      ip: options.device?.ip ?? null,
    },
  });
  return token;
}

/** The device a session signed in from, as its owner will see it in the sessions list. */
export interface SessionDevice {
  userAgent?: string | null;
  ip?: string | null;
}

export class InvalidRefreshToken extends AppError {
  constructor() {
    super('UNAUTHENTICATED', 'The refresh token is invalid or expired');
  }
}

/**
 * Exchange a refresh token for a new one in the same family (rotation). It must be presented
 * by the client it was issued to. Presenting a token that was already used means it leaked:
 * the family is revoked. Of two concurrent uses exactly one can win the conditional update;
 * the loser is a reuse too, so it revokes the family (the winner's new token with it). A
 * reuse is recorded in the audit trail with the revocation.
 */
export async function rotateRefreshToken(
  db: Db,
  options: { token: string; clientId: string; ttlSeconds: number; origin: AuditOrigin },
): Promise<{ userId: string; familyId: string; refreshToken: string }> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashToken(options.token) } });
  if (!row || row.revokedAt || row.expiresAt <= new Date() || row.clientId !== options.clientId) {
    throw new InvalidRefreshToken();
  }
  if (row.usedAt) {
    await revokeReusedFamily(db, row, options.origin);
    throw new InvalidRefreshToken();
  }
  const rotated = await db.$transaction(async (tx) => {
    const claimed = await tx.refreshToken.updateMany({
      where: { id: row.id, usedAt: null, revokedAt: null },
      data: { usedAt: new Date() },
    });
    if (claimed.count === 0) return null;
    const refreshToken = await issueRefreshToken(tx, {
      userId: row.userId,
      clientId: row.clientId,
      familyId: row.familyId,
      ttlSeconds: options.ttlSeconds,
      // The session keeps the device it signed in from; the last use shows when it refreshed.
      device: { userAgent: row.userAgent, ip: row.ip },
    });
    return { userId: row.userId, familyId: row.familyId, refreshToken };
  });
  if (!rotated) {
    // Lost the race to another use of the same token: two parties hold it, so it leaked.
    // Treated like any reuse — the whole family goes, the winner's new token included.
    await revokeReusedFamily(db, row, options.origin);
    throw new InvalidRefreshToken();
  }
  return rotated;
}

/** A used token presented again: its family goes, and the reuse is recorded. */
async function revokeReusedFamily(
  db: Db,
  row: { userId: string; familyId: string; clientId: string },
  origin: AuditOrigin,
): Promise<void> {
  await db.$transaction(async (tx) => {
    await revokeFamily(tx, row.familyId);
    await recordAuthEvent(tx, anonymous(origin), {
      action: 'auth.refresh_token_reuse_detected',
      target: userTarget(row.userId),
      details: { clientId: row.clientId, familyId: row.familyId },
    });
  });
}

/** Revoke every live token of a family; how many there were. */
export async function revokeFamily(
  db: Pick<Db, 'refreshToken'>,
  familyId: string,
): Promise<number> {
  const { count } = await db.refreshToken.updateMany({
    where: { familyId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
  return count;
}

/** Password change or reset, disabled account: every session of the user ends. */
export async function revokeAllForUser(
  db: Pick<Db, 'refreshToken'>,
  userId: string,
): Promise<void> {
  await db.refreshToken.updateMany({
    where: { userId, revokedAt: null },
    data: { revokedAt: new Date() },
  });
}

/**
 * Logout: revoke the family of the presented token (unknown tokens are ignored). A session
 * that this ended is recorded in the audit trail, as its owner's act.
 */
export async function revokeByToken(db: Db, token: string, origin: AuditOrigin): Promise<void> {
  const row = await db.refreshToken.findUnique({ where: { tokenHash: hashToken(token) } });
  if (!row) return;
  await db.$transaction(async (tx) => {
    if ((await revokeFamily(tx, row.familyId)) === 0) return;
    await recordAuthEvent(tx, asUser(row.userId, origin), {
      action: 'auth.logged_out',
      target: userTarget(row.userId),
    });
  });
}
