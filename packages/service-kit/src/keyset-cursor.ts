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

const ISO_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const EARLIEST = Date.UTC(2020, 0, 1);
const DAY_MS = 86_400_000;

/**
 * The position in a cursor, or null when it is not one we could have issued: exactly our
 * encoding, an id of the list's shape (a UUID unless the list says otherwise, e.g. a machine
 * client's `cli_…`), and a time between the platform's start and now (a cursor from the
 * future or the distant past was made up, and a date out of the database's range is a 400,
 * not a database error).
 */
export function decodeCursor(cursor: string, idPattern: RegExp = UUID): KeysetPosition | null {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) return null;
  const parts = Buffer.from(cursor, 'base64url').toString().split('|');
  if (parts.length !== 2) return null;
  const [at = '', id = ''] = parts;
  if (!ISO_INSTANT.test(at) || !idPattern.test(id)) return null;
  const time = Date.parse(at);
  if (Number.isNaN(time) || time < EARLIEST || time > Date.now() + DAY_MS) return null;
  return { createdAt: new Date(time), id };
}

/**
 * `at` when a cursor can carry it (decodeCursor takes it back), else the earliest time one can.
 * For a list whose times come from elsewhere: a Kafka timestamp may be -1 (none), or come from
 * a clock set before the platform began or days ahead. Such rows sort first (by id), and every
 * cursor the list issues is still one it accepts.
 */
export function cursorTimeOf(at: Date): Date {
  const time = at.getTime();
  return time >= EARLIEST && time <= Date.now() + DAY_MS ? at : new Date(EARLIEST);
}

/** For a route's `cursor` query parameter: absent → null, malformed → 400. */
export function cursorParam(
  cursor: string | undefined,
  idPattern: RegExp = UUID,
): KeysetPosition | null {
  if (!cursor) return null;
  const position = decodeCursor(cursor, idPattern);
  if (!position) throw new AppError('VALIDATION_FAILED', 'cursor is not valid');
  return position;
}

/** One page of a list: at most `limit` items, and the cursor of the next page (null on the last). */
export interface KeysetPage<T> {
  items: T[];
  nextCursor: string | null;
}

/**
 * The page in `rows`, fetched with one more than `limit` (or all of them, sorted) so that a
 * further page shows itself without a count: the first `limit` rows, and a next cursor made
 * from the last of them only when more came back. The cursor is the row's own (createdAt, id) unless
 * the list keys its rows otherwise and says so with `cursorOf`.
 */
export function keysetPage<T extends KeysetPosition>(rows: T[], limit: number): KeysetPage<T>;
export function keysetPage<T>(
  rows: T[],
  limit: number,
  cursorOf: (row: T) => string,
): KeysetPage<T>;
export function keysetPage<T>(
  rows: T[],
  limit: number,
  cursorOf: (row: T) => string = (row) => encodeCursor(row as KeysetPosition),
): KeysetPage<T> {
  const items = rows.slice(0, limit);
  const last = items.at(-1);
  return { items, nextCursor: rows.length > limit && last !== undefined ? cursorOf(last) : null };
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
