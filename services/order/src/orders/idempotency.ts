import { createHash } from 'node:crypto';
import { AppError } from '@switchyard/service-kit';
import type pg from 'pg';
import type { Db } from '../db.js';

/** How long a key is remembered (documented in the API guide). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;
// A claimed key whose request died mid-way (crash) may be taken over after this.
const IN_PROGRESS_LOCK_MS = 60_000;

export interface StoredResponse {
  status: number;
  body: unknown;
}

/** SHA-256 of the request body in canonical (sorted-key) JSON. */
export function requestHash(body: unknown): string {
  const canonical = (value: unknown): unknown =>
    Array.isArray(value)
      ? value.map(canonical)
      : value && typeof value === 'object'
        ? Object.fromEntries(
            Object.keys(value)
              .sort()
              .map((k) => [k, canonical((value as Record<string, unknown>)[k])]),
          )
        : value;
  return createHash('sha256')
    .update(JSON.stringify(canonical(body)))
    .digest('hex');
}

/**
 * Claim `key` for this request, Stripe style. Returns the stored response when the same key
 * and body were already answered; refuses the same key with another body (422) or while the
 * first request with it is still running (409). Returns null when the caller should proceed.
 */
export async function claimIdempotencyKey(
  db: Db,
  options: { userId: string; key: string; hash: string },
): Promise<StoredResponse | null> {
  const now = new Date();
  const claim = {
    userId: options.userId,
    key: options.key,
    requestHash: options.hash,
    state: 'in_progress',
    lockedUntil: new Date(now.getTime() + IN_PROGRESS_LOCK_MS),
    expiresAt: new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000),
  };
  const inserted = await db.$executeRawUnsafe(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, state, locked_until, expires_at)
     VALUES ($1::uuid, $2, $3, 'in_progress', $4, $5) ON CONFLICT (user_id, key) DO NOTHING`,
    claim.userId,
    claim.key,
    claim.requestHash,
    claim.lockedUntil,
    claim.expiresAt,
  );
  if (inserted === 1) return null;

  const existing = await db.idempotencyKey.findUnique({
    where: { userId_key: { userId: options.userId, key: options.key } },
  });
  if (!existing) return claimIdempotencyKey(db, options);
  if (existing.expiresAt <= now) {
    await db.idempotencyKey.deleteMany({
      where: { userId: options.userId, key: options.key, expiresAt: existing.expiresAt },
    });
    return claimIdempotencyKey(db, options);
  }
  if (existing.requestHash !== options.hash) {
    throw new AppError(
      'UNPROCESSABLE',
      'This Idempotency-Key was already used with a different request body',
    );
  }
  if (existing.state === 'completed') {
    return { status: existing.responseStatus ?? 200, body: existing.responseBody };
  }
  if (existing.lockedUntil > now) {
    throw new AppError(
      'CONFLICT',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  }
  // The first attempt died mid-way: take the key over.
  const taken = await db.idempotencyKey.updateMany({
    where: {
      userId: options.userId,
      key: options.key,
      state: 'in_progress',
      lockedUntil: existing.lockedUntil,
    },
    data: { lockedUntil: claim.lockedUntil },
  });
  if (taken.count === 0)
    throw new AppError(
      'CONFLICT',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  return null;
}

/** Store the final response (in the same transaction as the work when it succeeded). */
export async function completeIdempotencyKey(
  /** The placement's transaction connection, or the pool when there was no transaction. */
  sql: Pick<pg.ClientBase, 'query'>,
  options: { userId: string; key: string; response: StoredResponse },
): Promise<void> {
  await sql.query(
    `UPDATE idempotency_keys SET state = 'completed', response_status = $3, response_body = $4::jsonb
      WHERE user_id = $1 AND key = $2`,
    [options.userId, options.key, options.response.status, JSON.stringify(options.response.body)],
  );
}

/** Forget a claim whose request failed on our side (5xx), so a retry can run again. */
export async function releaseIdempotencyKey(
  db: Db,
  options: { userId: string; key: string },
): Promise<void> {
  await db.idempotencyKey.deleteMany({
    where: { userId: options.userId, key: options.key, state: 'in_progress' },
  });
}
