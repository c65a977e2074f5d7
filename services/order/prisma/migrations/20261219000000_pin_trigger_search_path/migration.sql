-- The stock and catalog triggers name their tables without a schema, so they resolved them
-- through the search_path of whoever ran the UPDATE: a session on another search_path (an
-- operator in psql, a script with schema-qualified statements) failed with "relation does not
-- exist". Each function now keeps the search_path it was created with, as PostgreSQL's
-- documentation advises for functions (CREATE FUNCTION, "Writing SECURITY DEFINER Functions
-- Safely").
ALTER FUNCTION products_low_stock_crossing() SET search_path FROM CURRENT;
ALTER FUNCTION catalog_words_from_new_products() SET search_path FROM CURRENT;
ALTER FUNCTION catalog_words_from_renamed_product() SET search_path FROM CURRENT;
