import type pg from 'pg';
import type { CatalogPosition, CatalogSort } from './catalog-cursor.js';
import type { CatalogQuery } from './catalog-query.js';
import { textQueryFor } from './word-matches.js';

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
  if (query.inStock === true) where.push('p.in_stock');
  if (query.inStock === false) where.push('NOT p.in_stock');
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

/** A product as the catalog shows it, and `sort_key`, the cursor's key of each order. */
const COLUMNS = 'p.id, p.sku, p.name, p.price_minor, p.currency, p.stock, p.active, p.category';

/** The statement for one page of products in the query's order. */
function pageStatement(query: CatalogQuery, textQuery: string | null): pg.QueryConfig {
  const params = new Params();
  const where = conditions(query, textQuery, params, { category: true });
  const position = query.after;
  const limit = query.limit + 1; // one more shows whether a next page exists
  if (query.sort === 'relevance') {
    // ts_rank's `real` is printed through float8 (exact whatever extra_float_digits says) and
    // read back as the same `real`; normalization 1 divides by the log of the document's
    // length, so a short name that matches beats a long one.
    const rank = `ts_rank(p.search_vector, ${params.add(textQuery)}::tsquery, 1)`;
    let after = '';
    if (position) {
      const [key, id] = [params.add(position.key), params.add(position.id)];
      after = `WHERE rank < ${key}::real OR (rank = ${key}::real AND id > ${id}::uuid)`;
    }
    return {
      text: `SELECT *, rank::float8::text AS sort_key FROM (
               SELECT ${COLUMNS}, ${rank} AS rank FROM products p WHERE ${where.join(' AND ')}
             ) ranked ${after}
             ORDER BY rank DESC, id LIMIT ${params.add(limit)}`,
      values: params.values,
    };
  }
  const order = ORDERS[query.sort];
  if (position) where.push(order.after(position, params));
  if (textQuery !== null) {
    // The matches first (text index), then their order. Left to itself the planner may walk
    // the sort's index and test every product against the query until a page is full — which
    // reads most of the catalog when few products match (40 ms on 100 000), and it cannot
    // tell how many will. Ordering all the matches costs what ranking them does at most.
    return {
      text: `WITH matches AS MATERIALIZED (
               SELECT ${COLUMNS}, p.created_at FROM products p WHERE ${where.join(' AND ')}
             )
             SELECT ${COLUMNS}, ${order.key} AS sort_key FROM matches p
              ORDER BY ${order.orderBy} LIMIT ${params.add(limit)}`,
      values: params.values,
    };
  }
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
  const where = [
    ...conditions(query, textQuery, params, { category: false }),
    'p.category IS NOT NULL',
  ];
  // Without a query the counts cover most of the catalog, and every condition is in
  // products_active_facets_idx: an index-only scan, already in category order, takes half the
  // time of reading the table, but with the default random_page_cost the planner prices the
  // two alike and may read the table. Asking for the rows in category order tips it to the
  // index.
  const rows = `(SELECT p.category FROM products p WHERE ${where.join(' AND ')}${
    textQuery === null ? ' ORDER BY p.category' : ''
  }) p`;
  return {
    text: `SELECT p.category AS value, count(*)::int AS count FROM ${rows}
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
