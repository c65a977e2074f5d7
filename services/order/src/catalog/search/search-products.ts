import type pg from 'pg';
import { keysetPage } from '@switchyard/service-kit';
import type { ProductList, ProductView } from '../../schemas/product.js';
import { encodeCatalogCursor, type CatalogPosition, type CatalogSort } from './catalog-cursor.js';
import type { CatalogQuery } from './catalog-query.js';
import { textQueryOf, type WordMatch } from './text-query.js';

/**
 * What the catalog knows about each query word, in one statement: its English stem, and —
 * only when no catalog word starts with it (nor with its stem) — the catalog words most like
 * it by trigram similarity (pg_trgm's `%`: similarity of at least pg_trgm.similarity_threshold,
 * 0.3 unless the database sets another). Both lookups are index scans of catalog_words
 * (SP-GiST for `^@`, GIN trigrams for `%`) once it outgrows a few pages.
 */
export const WORD_MATCHES_SQL = `
  SELECT w.word, s.stem,
         CASE WHEN EXISTS (SELECT 1 FROM catalog_words c WHERE c.word ^@ w.word)
                OR EXISTS (SELECT 1 FROM catalog_words c WHERE c.word ^@ nullif(s.stem, ''))
              THEN '[]'::json
              ELSE (SELECT coalesce(json_agg(json_build_object('word', c.word, 'similarity', c.similarity)), '[]')
                      FROM (SELECT c.word, similarity(c.word, w.word) AS similarity
                              FROM catalog_words c
                             WHERE c.word % w.word
                             ORDER BY 2 DESC, 1
                             LIMIT 3) c)
         END AS similar
    FROM unnest($1::text[]) WITH ORDINALITY AS w(word, ord)
   CROSS JOIN LATERAL (SELECT coalesce((ts_lexize('english_stem', w.word))[1], '') AS stem) s
   ORDER BY w.ord`;

/** The tsquery text for the query's words (see textQueryOf). */
async function textQueryFor(pool: pg.Pool, words: string[]): Promise<string | null> {
  const { rows } = await pool.query<WordMatch>(WORD_MATCHES_SQL, [words]);
  return textQueryOf(rows);
}

/** Numbered parameters for one statement. */
class Params {
  readonly values: unknown[] = [];
  add(value: unknown): string {
    this.values.push(value);
    return `$${this.values.length}`;
  }
}

/** The conditions every answer shares: active products matching the query and the filters. */
function conditions(
  query: CatalogQuery,
  textQuery: string | null,
  params: Params,
  options: { category: boolean },
): string[] {
  const where = ['p.active'];
  if (textQuery !== null) where.push(`p.search_vector @@ ${params.add(textQuery)}::tsquery`);
  if (options.category && query.categories.length > 0)
    where.push(`p.category = ANY(${params.add(query.categories)}::text[])`);
  if (query.currency !== undefined) where.push(`p.currency = ${params.add(query.currency)}`);
  if (query.minPrice !== undefined) where.push(`p.price_minor >= ${params.add(query.minPrice)}`);
  if (query.maxPrice !== undefined) where.push(`p.price_minor <= ${params.add(query.maxPrice)}`);
  if (query.inStock === true) where.push('p.stock > 0');
  if (query.inStock === false) where.push('p.stock = 0');
  return where;
}

/**
 * Per sort: the key a page's last product leaves in the cursor (as SQL), the condition "after
 * this position", and the order — always ending in a unique column, so ties never repeat or
 * skip a product across pages. Each order but relevance walks an index (the migration's
 * products_active_*_idx, or the SKU's unique index).
 */
const ORDERS: Record<
  Exclude<CatalogSort, 'relevance'>,
  { key: string; after: (at: CatalogPosition, params: Params) => string; orderBy: string }
> = {
  // SKUs are unique: the SKU alone is the position (the cursor this list always had).
  sku: { key: 'p.sku', after: (at, params) => `p.sku > ${params.add(at.key)}`, orderBy: 'p.sku' },
  price_asc: {
    key: 'p.price_minor',
    after: (at, params) =>
      `(p.price_minor, p.id) > (${params.add(at.key)}::int, ${params.add(at.id)}::uuid)`,
    orderBy: 'p.price_minor, p.id',
  },
  price_desc: {
    key: 'p.price_minor',
    after: (at, params) =>
      `(p.price_minor, p.id) < (${params.add(at.key)}::int, ${params.add(at.id)}::uuid)`,
    orderBy: 'p.price_minor DESC, p.id DESC',
  },
  newest: {
    // To the microsecond, as stored: a JavaScript Date would cut it to the millisecond and
    // put products created within one millisecond on both sides of a cursor.
    key: `to_char(p.created_at AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`,
    after: (at, params) =>
      `(p.created_at, p.id) < (${params.add(at.key)}::timestamptz, ${params.add(at.id)}::uuid)`,
    orderBy: 'p.created_at DESC, p.id DESC',
  },
};

const COLUMNS = 'p.id, p.sku, p.name, p.price_minor, p.currency, p.stock, p.active, p.category';

interface ProductRow {
  id: string;
  sku: string;
  name: string;
  price_minor: number;
  currency: string;
  stock: number;
  active: boolean;
  category: string | null;
  sort_key: string | number;
}

const viewOf = (row: ProductRow): ProductView => ({
  id: row.id,
  sku: row.sku,
  name: row.name,
  price: { amount: row.price_minor, currency: row.currency },
  stock: row.stock,
  active: row.active,
  category: row.category,
});

/** The statement for one page of products in the query's order. */
function pageStatement(query: CatalogQuery, textQuery: string | null): pg.QueryConfig {
  const params = new Params();
  const where = conditions(query, textQuery, params, { category: true });
  const position = query.after;
  const limit = query.limit + 1; // one more shows whether a next page exists
  if (query.sort === 'relevance') {
    // ts_rank's `real` is compared as the same `real` the cursor printed; normalization 1
    // divides by the log of the document's length, so a short name that matches beats a long one.
    const rank = `ts_rank(p.search_vector, ${params.add(textQuery)}::tsquery, 1)`;
    let after = '';
    if (position) {
      const [key, id] = [params.add(position.key), params.add(position.id)];
      after = `WHERE rank < ${key}::real OR (rank = ${key}::real AND id > ${id}::uuid)`;
    }
    return {
      text: `SELECT *, rank::text AS sort_key FROM (
               SELECT ${COLUMNS}, ${rank} AS rank FROM products p WHERE ${where.join(' AND ')}
             ) ranked ${after}
             ORDER BY rank DESC, id LIMIT ${params.add(limit)}`,
      values: params.values,
    };
  }
  const order = ORDERS[query.sort];
  if (position) where.push(order.after(position, params));
  return {
    text: `SELECT ${COLUMNS}, ${order.key} AS sort_key FROM products p
            WHERE ${where.join(' AND ')} ORDER BY ${order.orderBy} LIMIT ${params.add(limit)}`,
    values: params.values,
  };
}

/**
 * Matching products per category, for the query and every filter but the category one (a shop
 * shows what choosing another category would add), most first; products without a category
 * are in no facet.
 */
function categoryFacetsStatement(query: CatalogQuery, textQuery: string | null): pg.QueryConfig {
  const params = new Params();
  const where = conditions(query, textQuery, params, { category: false });
  return {
    text: `SELECT p.category AS value, count(*)::int AS count FROM products p
            WHERE ${where.join(' AND ')} AND p.category IS NOT NULL
            GROUP BY p.category ORDER BY count DESC, value LIMIT 100`,
    values: params.values,
  };
}

/** The statements that answer a checked query: its page, and its facets when asked for. */
export interface SearchStatements {
  page: pg.QueryConfig;
  facets: pg.QueryConfig | null;
}

/**
 * The statements for a query (the query's words looked up first). Apart from searchProducts
 * so that the benchmark can EXPLAIN exactly what the service runs.
 */
export async function searchStatements(
  pool: pg.Pool,
  query: CatalogQuery,
): Promise<SearchStatements> {
  const textQuery = query.words.length > 0 ? await textQueryFor(pool, query.words) : null;
  return {
    page: pageStatement(query, textQuery),
    facets: query.facets ? categoryFacetsStatement(query, textQuery) : null,
  };
}

/**
 * One page of the catalog for a checked query: the products, the cursor of the next page, and
 * the category counts when asked for. Plain SQL on the service's pool (docs/decisions/0013):
 * text search is beyond Prisma's query API, and the page and its facets run side by side.
 */
export async function searchProducts(pool: pg.Pool, query: CatalogQuery): Promise<ProductList> {
  const statements = await searchStatements(pool, query);
  const [{ rows }, facets] = await Promise.all([
    pool.query<ProductRow>(statements.page),
    statements.facets ? pool.query<{ value: string; count: number }>(statements.facets) : null,
  ]);
  const { items, nextCursor } = keysetPage(rows, query.limit, (last) =>
    encodeCatalogCursor({
      sort: query.sort,
      key: last.sort_key,
      id: last.id,
      search: query.search,
    }),
  );
  return {
    items: items.map(viewOf),
    nextCursor,
    ...(facets ? { facets: { category: facets.rows } } : {}),
  };
}
