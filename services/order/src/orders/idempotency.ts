import { createHash, randomUUID } from 'node:crypto';
import { AppError } from '@switchyard/service-kit';
import type pg from 'pg';
import type { Db } from '../db.js';

/** How long a key is remembered (documented in the API guide). */
export const IDEMPOTENCY_KEY_TTL_HOURS = 24;

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

/** A claim this request holds: its owner token fences every later write to the key. */
export interface HeldKey {
  userId: string;
  key: string;
  owner: string;
}

/** What a claim found: the stored answer to replay, or the key, now held by this request. */
export type Claim = { replay: StoredResponse } | { held: HeldKey };

/**
 * The key was taken over while this request ran (its hold lapsed and a retry claimed it):
 * this request may not complete it, so its transaction rolls back and nothing is placed.
 */
export class IdempotencyKeyTakenOver extends AppError {
  override name = 'IdempotencyKeyTakenOver';
  constructor() {
    super(
      'CONFLICT',
      'Another request with this Idempotency-Key has taken over while this one was running, so nothing was placed; retry with the same key to get its answer',
    );
  }
}

/**
 * Claim `key` for this request, Stripe style. Returns the stored response when the same key
 * and body were already answered; refuses the same key with another body (422) or while the
 * first request with it is still running (409). Otherwise the key is this request's, under a
 * fresh owner token, until `lockMs` from now.
 */
export async function claimIdempotencyKey(
  db: Db,
  options: {
    userId: string;
    key: string;
    hash: string;
    /** A claimed key whose request died mid-way (crash) may be taken over after this. */
    lockMs: number;
  },
): Promise<Claim> {
  const now = new Date();
  const owner = randomUUID();
  const held = { userId: options.userId, key: options.key, owner };
  const lockedUntil = new Date(now.getTime() + options.lockMs);
  const inserted = await db.$executeRawUnsafe(
    `INSERT INTO idempotency_keys (user_id, key, request_hash, state, locked_until, expires_at, owner)
     VALUES ($1::uuid, $2, $3, 'in_progress', $4, $5, $6::uuid) ON CONFLICT (user_id, key) DO NOTHING`,
    options.userId,
    options.key,
    options.hash,
    lockedUntil,
    new Date(now.getTime() + IDEMPOTENCY_KEY_TTL_HOURS * 3_600_000),
    owner,
  );
  if (inserted === 1) return { held };

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
    return { replay: { status: existing.responseStatus ?? 200, body: existing.responseBody } };
  }
  if (existing.lockedUntil > now) {
    throw new AppError(
      'CONFLICT',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  }
  // The first attempt died mid-way, or is stalled: take the key over under a new owner. If
  // it is only stalled, its completion no longer matches its token and rolls its work back.
  const taken = await db.idempotencyKey.updateMany({
    where: {
      userId: options.userId,
      key: options.key,
      state: 'in_progress',
      owner: existing.owner,
    },
    data: { lockedUntil, owner },
  });
  if (taken.count === 0)
    throw new AppError(
      'CONFLICT',
      'A request with this Idempotency-Key is still being processed; retry shortly',
    );
  return { held };
}

/**
 * Store the final response: in the same transaction as the work when it succeeded, so the
 * work commits only if this request still holds the key. Exactly one row must match the
 * owner token of a key still in progress; otherwise IdempotencyKeyTakenOver is thrown.
 */
export async function completeIdempotencyKey(
  /** The placement's transaction connection, or the pool when there was no transaction. */
  sql: Pick<pg.ClientBase, 'query'>,
  options: HeldKey & { response: StoredResponse },
): Promise<void> {
  const completed = await sql.query(
    `UPDATE idempotency_keys SET state = 'completed', response_status = $4, response_body = $5::jsonb
      WHERE user_id = $1 AND key = $2 AND owner = $3 AND state = 'in_progress'`,
    [
      options.userId,
      options.key,
      options.owner,
      options.response.status,
      JSON.stringify(options.response.body),
    ],
  );
  if (completed.rowCount !== 1) throw new IdempotencyKeyTakenOver();
}

/** Forget a claim whose request failed on our side (5xx), so a retry can run again. */
export async function releaseIdempotencyKey(db: Db, held: HeldKey): Promise<void> {
  // Only our own claim: a key another request has taken over is its to finish.
  await db.idempotencyKey.deleteMany({
    where: { userId: held.userId, key: held.key, owner: held.owner, state: 'in_progress' },
  });
}
