// The benchmark's catalog: `count` products made by one INSERT … SELECT over generate_series,
// so 100 000 take seconds. Names combine an optional style, a colour, an optional material, a
// noun of the product's category and now and then a suffix ("Vintage Navy Enamel Mug Set Of
// 2"); prices spread log-normally around the category's; 15 % are sold out, 3 % inactive;
// creation times spread over two years. Each product gets its initial stock movement, as every
// product has (the stock invariant holds). Deterministic: the same seed makes the same catalog.
import pg from 'pg';
import { CATEGORIES, COLOURS, MATERIALS, STYLES } from './vocabulary.js';

/** Every generated product's SKU starts so; removeCatalog deletes exactly those. */
export const SKU_PREFIX = 'BENCH-';

const GENERATE_SQL = `
WITH category AS (
  SELECT (t.ord - 1)::int AS ci, t.c->>'slug' AS slug, (t.c->>'basePrice')::int AS base,
         ARRAY(SELECT jsonb_array_elements_text(t.c->'nouns')) AS nouns
    FROM jsonb_array_elements($2::jsonb) WITH ORDINALITY AS t(c, ord)
),
draw AS (
  SELECT i, floor(random() * jsonb_array_length($2::jsonb))::int AS ci,
         random() AS r_noun, random() AS r_colour, random() AS r_material, random() AS r_style,
         random() AS r_price, random() AS r_stock, random() AS r_age, random() AS r_active,
         random() AS r_suffix
    FROM generate_series(1, $1::int) AS i
),
added AS (
  INSERT INTO products (id, sku, name, price_minor, currency, stock, active, created_at,
                        updated_at, category)
  SELECT gen_random_uuid(),
         '${SKU_PREFIX}' || lpad(d.i::text, 6, '0'),
         initcap(concat_ws(' ',
           CASE WHEN d.r_style < 0.35
                THEN ($5::text[])[1 + floor(d.r_style / 0.35 * cardinality($5::text[]))::int] END,
           ($3::text[])[1 + floor(d.r_colour * cardinality($3::text[]))::int],
           CASE WHEN d.r_material < 0.7
                THEN ($4::text[])[1 + floor(d.r_material / 0.7 * cardinality($4::text[]))::int] END,
           c.nouns[1 + floor(d.r_noun * cardinality(c.nouns))::int],
           CASE WHEN d.r_suffix < 0.1
                THEN (ARRAY['set of 2', 'XL', 'no. ' || (d.i % 97)::text, 'limited edition'])
                     [1 + floor(d.r_suffix / 0.1 * 4)::int] END)),
         greatest(99, round(c.base * exp(d.r_price * 2.2 - 1.0) / 100.0)::int * 100 - 1),
         'EUR',
         CASE WHEN d.r_stock < 0.15 THEN 0 ELSE 1 + floor(d.r_stock * 500)::int END,
         d.r_active >= 0.03,
         now() - d.r_age * interval '730 days',
         now() - d.r_age * interval '365 days',
         c.slug
    FROM draw d JOIN category c ON c.ci = d.ci
  RETURNING id, stock
)
INSERT INTO stock_movements (id, product_id, delta, reason)
SELECT gen_random_uuid(), id, stock, 'initial' FROM added`;

/**
 * Add `count` products to the order service's database and bring its statistics and visibility
 * map up to date (VACUUM ANALYZE, as autovacuum would soon after a bulk load).
 */
export async function generateCatalog(databaseUrl: string, count: number): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('SELECT setseed(0.42)');
    await client.query(GENERATE_SQL, [
      count,
      JSON.stringify(CATEGORIES),
      COLOURS,
      MATERIALS,
      STYLES,
    ]);
    await client.query('VACUUM ANALYZE products');
    await client.query('VACUUM ANALYZE catalog_words');
  } finally {
    await client.end();
  }
}

/**
 * Of `count` stock changes as orders make them (one unit off a random product in stock), how
 * many stayed HOT updates — on their page, touching no index (the catalog's indexes hold no
 * stock; see the migration). Rolled back: the catalog is left as it was.
 */
export async function hotStockUpdates(
  databaseUrl: string,
  count: number,
): Promise<{ updated: number; hot: number }> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `UPDATE products SET stock = stock - 1, updated_at = now()
        WHERE id IN (SELECT id FROM products
                      WHERE sku LIKE '${SKU_PREFIX}%' AND stock > 1 ORDER BY random() LIMIT $1)`,
      [count],
    );
    const { rows } = await client.query<{ updated: string; hot: string }>(
      `SELECT pg_stat_get_xact_tuples_updated('products'::regclass) AS updated,
              pg_stat_get_xact_tuples_hot_updated('products'::regclass) AS hot`,
    );
    return { updated: Number(rows[0]!.updated), hot: Number(rows[0]!.hot) };
  } finally {
    await client.query('ROLLBACK').catch(() => {});
    await client.end();
  }
}

/** Take the generated products out again, so later benchmarks find the stand as it was. */
export async function removeCatalog(databaseUrl: string): Promise<void> {
  const client = new pg.Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    await client.query('BEGIN');
    await client.query(
      `DELETE FROM stock_movements m USING products p
        WHERE m.product_id = p.id AND p.sku LIKE '${SKU_PREFIX}%'`,
    );
    await client.query(`DELETE FROM products WHERE sku LIKE '${SKU_PREFIX}%'`);
    await client.query('COMMIT');
    await client.query('VACUUM ANALYZE products');
  } catch (error) {
    await client.query('ROLLBACK').catch(() => {});
    throw error;
  } finally {
    await client.end();
  }
}
