-- Catalog search: products gain a category, and a search document the catalog is searched by
-- with PostgreSQL's full-text search (GET /v1/products?q=; src/catalog/search/).
--
-- pg_trgm gives typo tolerance. It is a contrib extension marked trusted, so the database's
-- owner (the service's own role) can create it; docs/deploy.md says what a production database
-- needs.
CREATE EXTENSION IF NOT EXISTS pg_trgm;

-- Every order changes a product's stock. Leave a tenth of each page free, so that such an
-- update can stay on its page (HOT) and touch none of the indexes below, none of which holds
-- the stock itself. Takes effect with the rewrite the generated columns below cause.
ALTER TABLE products SET (fillfactor = 90);

-- A slug ("kitchen", "home-decor"); products made before categories existed have none.
ALTER TABLE products ADD COLUMN category text
  CONSTRAINT products_category_check CHECK (category ~ '^[a-z0-9]+(-[a-z0-9]+)*$' AND length(category) <= 50);

-- Two columns the database keeps, added together so the table is rewritten once
-- (docs/deploy.md, "Catalog search in the order database"):
-- * the search document: the name's words (weight A) and the category's (B), as written —
--   the 'simple' configuration, no stemming and no stop words — so that a query's word
--   matches any word it begins ("cof" → "coffee"); the query side adds English stems ("mugs"
--   → "mug"). Stored: ranking reads it instead of parsing every matching name again.
-- * whether the product is in stock: it changes only when a product sells out or comes back,
--   so an index may hold it (the facet counts' inStock filter) and a stock change that does
--   not cross zero stays a HOT update.
ALTER TABLE products
  ADD COLUMN search_vector tsvector GENERATED ALWAYS AS (
    setweight(to_tsvector('simple', name), 'A') ||
    setweight(to_tsvector('simple', coalesce(category, '')), 'B')
  ) STORED,
  ADD COLUMN in_stock boolean NOT NULL GENERATED ALWAYS AS (stock > 0) STORED;
CREATE INDEX products_search_vector_idx ON products USING gin (search_vector);

-- The catalog lists active products only; one index per sort, keyed as its cursor is, and one
-- from which the category counts of a price range and stock are read without the table.
CREATE INDEX products_active_price_idx ON products (price_minor, id) WHERE active;
CREATE INDEX products_active_newest_idx ON products (created_at, id) WHERE active;
CREATE INDEX products_active_facets_idx ON products (category, currency, price_minor, in_stock)
  WHERE active;

-- Every word of the catalog's search documents. A query word that begins none of them is
-- probably misspelt: it is matched to the closest of these by trigram similarity, the way
-- pg_trgm's documentation suggests for text search. Words are only ever added (one no product
-- holds any more is harmless: it matches nothing).
CREATE TABLE catalog_words (word text PRIMARY KEY);
-- "Does a catalog word start with this one?" (^@), and "which are like it?" (pg_trgm's %).
CREATE INDEX catalog_words_word_prefix_idx ON catalog_words USING spgist (word);
CREATE INDEX catalog_words_word_trgm_idx ON catalog_words USING gin (word gin_trgm_ops);

-- Kept by the database, so that every way products are written (the API, a seed, a bulk load)
-- teaches it their words: once per INSERT statement, and per row only when an UPDATE sets the
-- name or the category (never for stock or price changes, which every order makes).
CREATE FUNCTION catalog_words_from_new_products() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_words (word)
  SELECT DISTINCT w.lexeme FROM new_products p CROSS JOIN LATERAL unnest(p.search_vector) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER products_catalog_words_on_insert AFTER INSERT ON products
  REFERENCING NEW TABLE AS new_products
  FOR EACH STATEMENT EXECUTE FUNCTION catalog_words_from_new_products();

CREATE FUNCTION catalog_words_from_renamed_product() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  INSERT INTO catalog_words (word)
  SELECT w.lexeme FROM unnest(NEW.search_vector) AS w
  ON CONFLICT DO NOTHING;
  RETURN NULL;
END
$$;
CREATE TRIGGER products_catalog_words_on_rename AFTER UPDATE OF name, category ON products
  FOR EACH ROW
  WHEN (OLD.name IS DISTINCT FROM NEW.name OR OLD.category IS DISTINCT FROM NEW.category)
  EXECUTE FUNCTION catalog_words_from_renamed_product();

INSERT INTO catalog_words (word)
SELECT DISTINCT w.lexeme FROM products p CROSS JOIN LATERAL unnest(p.search_vector) AS w
ON CONFLICT DO NOTHING;
