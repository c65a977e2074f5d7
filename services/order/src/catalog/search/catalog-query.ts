import { createHash } from 'node:crypto';
import { AppError } from '@switchyard/service-kit';
import type { ProductListQuery } from '../../schemas/product.js';
import { decodeCatalogCursor, type CatalogPosition, type CatalogSort } from './catalog-cursor.js';
import { MAX_QUERY_WORDS, wordsOf } from './query-words.js';

/** A catalog request, checked as a whole: what to find, how to order it, which page. */
export interface CatalogQuery {
  /** The words to search for; none lists the catalog. */
  words: string[];
  categories: string[];
  currency?: string;
  minPrice?: number;
  maxPrice?: number;
  inStock?: boolean;
  sort: CatalogSort;
  facets: boolean;
  limit: number;
  /** The page's cursor, as sent (part of the cache key), and the position it holds. */
  cursor?: string;
  after?: CatalogPosition;
  /**
   * A fingerprint of what selects and orders the products (not of the page size or position):
   * the same for every page of one search, so a cursor can say which search it belongs to.
   */
  search: string;
}

const refuse = (detail: string) => new AppError('VALIDATION_FAILED', detail);

/**
 * The query of `GET /v1/products` after the rules its schema cannot state: q holds words (at
 * most MAX_QUERY_WORDS), relevance needs q, a price bound is in minor units of one currency and
 * the range is not empty, a cursor is one this search issued. Without q or sort, the catalog
 * comes by SKU, as before search existed.
 */
export function catalogQueryOf(params: ProductListQuery): CatalogQuery {
  const words = params.q === undefined ? [] : wordsOf(params.q);
  if (params.q !== undefined && words.length === 0)
    throw refuse('q holds no word to search for (letters or digits)');
  if (words.length > MAX_QUERY_WORDS)
    throw refuse(`q holds ${words.length} words; at most ${MAX_QUERY_WORDS} are searched for`);
  const sort = params.sort ?? (words.length > 0 ? 'relevance' : 'sku');
  if (sort === 'relevance' && words.length === 0)
    throw refuse('sort=relevance ranks by how well products match q: give q too');
  const { minPrice, maxPrice, currency, inStock } = params;
  if ((minPrice !== undefined || maxPrice !== undefined) && currency === undefined)
    throw refuse(
      'minPrice and maxPrice are amounts in minor units of one currency: give currency too',
    );
  if (minPrice !== undefined && maxPrice !== undefined && minPrice > maxPrice)
    throw refuse(`minPrice (${minPrice}) is more than maxPrice (${maxPrice})`);
  const categories = [...new Set(params.category ?? [])].sort();
  const search = createHash('sha256')
    .update(
      JSON.stringify(
        [words, categories, currency, minPrice, maxPrice, inStock, sort].map((v) => v ?? null),
      ),
    )
    .digest('hex')
    .slice(0, 16);
  return {
    words,
    categories,
    ...(currency !== undefined ? { currency } : {}),
    ...(minPrice !== undefined ? { minPrice } : {}),
    ...(maxPrice !== undefined ? { maxPrice } : {}),
    ...(inStock !== undefined ? { inStock } : {}),
    sort,
    facets: params.facets === 'category',
    limit: params.limit,
    ...(params.cursor !== undefined
      ? { cursor: params.cursor, after: decodeCatalogCursor(params.cursor, { sort, search }) }
      : {}),
    search,
  };
}

/** The catalog cache's key for this page of this search (every input to its answer). */
export const cacheKeyOf = (query: CatalogQuery) =>
  `search:${query.search}:${query.facets ? 'f' : '-'}:${query.limit}:${query.cursor ?? ''}`;
