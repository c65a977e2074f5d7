import { AppError } from '@switchyard/service-kit';

/** The orders the catalog lists in; `sku` is the order of a list without a query or sort. */
export type CatalogSort = 'sku' | 'relevance' | 'price_asc' | 'price_desc' | 'newest';

/**
 * Where a page ended: the last product's sort key and id. The key is what the list is ordered
 * by: the SKU, the price in minor units, the creation time to the microsecond (ISO 8601), or
 * the relevance as PostgreSQL printed it (to enough digits that it reads back as the same
 * `real`, so it compares equal when it comes back).
 */
export interface CatalogPosition {
  key: string | number;
  id: string;
}

const SKU = /^[A-Z0-9][A-Z0-9-]{1,39}$/;
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const MICROSECOND_INSTANT = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/;
const REAL = /^\d+(\.\d+)?(e[+-]?\d+)?$/;
const SEARCH = /^[0-9a-f]{16}$/;
const MAX_INT = 2 ** 31 - 1;

const isKeyOf: Record<Exclude<CatalogSort, 'sku'>, (key: unknown) => boolean> = {
  price_asc: (key) => Number.isInteger(key) && (key as number) >= 0 && (key as number) <= MAX_INT,
  price_desc: (key) => isKeyOf.price_asc(key),
  newest: (key) =>
    typeof key === 'string' &&
    MICROSECOND_INSTANT.test(key) &&
    !key.startsWith('0000') &&
    // A real instant, not just its shape (month 13 is no date).
    !Number.isNaN(Date.parse(`${key.slice(0, 23)}Z`)) &&
    new Date(`${key.slice(0, 23)}Z`).toISOString() === `${key.slice(0, 23)}Z`,
  // Within what a `real` holds (PostgreSQL refuses to read 1e39 or 1e-50 as one); a rank is
  // far inside it.
  relevance: (key) => {
    if (typeof key !== 'string' || !REAL.test(key)) return false;
    const rank = Number(key);
    return rank === 0 || (rank >= 1e-30 && rank <= 1e30);
  },
};

const invalid = () => new AppError('VALIDATION_FAILED', 'cursor is not valid');

/**
 * An opaque cursor for the position after which the next page starts. The SKU order keeps the
 * cursor it always had (the last SKU, base64url), so clients paging the plain list from before
 * search existed page on unchanged. Every other order's cursor names its sort and the search it
 * belongs to (`search`, a fingerprint of the query and filters), so it cannot page another one.
 */
export function encodeCatalogCursor(options: {
  sort: CatalogSort;
  key: string | number;
  id: string;
  search: string;
}): string {
  const { sort, key, id, search } = options;
  if (sort === 'sku') return Buffer.from(String(key)).toString('base64url');
  return Buffer.from(JSON.stringify([sort, key, id, search])).toString('base64url');
}

/**
 * The position in a cursor this search issued; anything else is a 400: a cursor we could not
 * have made, or one made for another sort or another search.
 */
export function decodeCatalogCursor(
  cursor: string,
  expected: { sort: CatalogSort; search: string },
): CatalogPosition {
  if (!/^[A-Za-z0-9_-]{1,200}$/.test(cursor)) throw invalid();
  const text = Buffer.from(cursor, 'base64url').toString();
  if (expected.sort === 'sku') {
    if (!SKU.test(text)) throw invalid();
    return { key: text, id: '' };
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw invalid();
  }
  if (!Array.isArray(value) || value.length !== 4) throw invalid();
  const [sort, key, id, search] = value as unknown[];
  if (typeof sort !== 'string' || !(sort in isKeyOf)) throw invalid();
  if (!isKeyOf[sort as keyof typeof isKeyOf](key)) throw invalid();
  if (typeof id !== 'string' || !UUID.test(id)) throw invalid();
  if (typeof search !== 'string' || !SEARCH.test(search)) throw invalid();
  if (sort !== expected.sort || search !== expected.search) {
    throw new AppError(
      'VALIDATION_FAILED',
      'cursor belongs to another search (another query, filters or sort): start again without it',
    );
  }
  return { key: key as string | number, id };
}
