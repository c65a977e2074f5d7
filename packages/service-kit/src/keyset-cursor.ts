import { AppError } from './errors.js';

/** Where a newest-first (or oldest-first) list page ended: the last row's time and id. */
export interface KeysetPosition {
  createdAt: Date;
  id: string;
}

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

/** An opaque cursor for keyset pagination on (created_at, id). */
export function encodeCursor(position: KeysetPosition): string {
  return Buffer.from(`${position.createdAt.toISOString()}|${position.id}`).toString('base64url');
}

/** The position in a cursor, or null when it is not one of ours. */
export function decodeCursor(cursor: string): KeysetPosition | null {
  const [at, id] = Buffer.from(cursor, 'base64url').toString().split('|');
  const createdAt = new Date(at ?? '');
  return id && UUID.test(id) && !Number.isNaN(createdAt.getTime()) ? { createdAt, id } : null;
}

/** For a route's `cursor` query parameter: absent → null, malformed → 400. */
export function cursorParam(cursor: string | undefined): KeysetPosition | null {
  if (!cursor) return null;
  const position = decodeCursor(cursor);
  if (!position) throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
  return position;
}

/**
 * The Prisma `where` fragment for "after this position" in a newest-first list ordered by
 * (createdAt desc, id desc); empty for the first page.
 */
export function olderThan(position: KeysetPosition | null) {
  return position
    ? {
        OR: [
          { createdAt: { lt: position.createdAt } },
          { createdAt: position.createdAt, id: { lt: position.id } },
        ],
      }
    : {};
}

/** The same for an oldest-first list ordered by (createdAt asc, id asc). */
export function newerThan(position: KeysetPosition | null) {
  return position
    ? {
        OR: [
          { createdAt: { gt: position.createdAt } },
          { createdAt: position.createdAt, id: { gt: position.id } },
        ],
      }
    : {};
}
