// The order service builds without declarations; these are the things the benchmarks import.
declare module '@switchyard/order/order-view-sql' {
  export const ORDER_VIEW_SQL: string;
}

// What the catalog-search benchmark EXPLAINs: the statements the service runs for a query.
declare module '@switchyard/order/catalog-search' {
  import type pg from 'pg';
  /** A checked catalog query (opaque here; only searchStatements reads it). */
  export type CatalogQuery = { readonly words: string[] };
  /** GET /v1/products's querystring, typed as the route's validator leaves it. */
  export function catalogQueryOf(params: Record<string, unknown>): CatalogQuery;
  export function searchStatements(
    pool: pg.Pool,
    query: CatalogQuery,
  ): Promise<{ page: pg.QueryConfig; facets: pg.QueryConfig | null }>;
  export const WORD_MATCHES_SQL: string;
  export function wordsOf(q: string): string[];
}
