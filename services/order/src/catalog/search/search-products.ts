import type pg from 'pg';
import { keysetPage } from '@switchyard/service-kit';
import type { ProductList, ProductView } from '../../schemas/product.js';
import { encodeCatalogCursor } from './catalog-cursor.js';
import type { CatalogQuery } from './catalog-query.js';
import { searchStatements } from './search-statements.js';

/** A row of a page statement (search-statements.ts): the product and its cursor key. */
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
