-- The demo catalog of a local stack (infra/scripts/up.sh, docker compose, the end-to-end tests):
-- five products, the first of them the README walkthrough's. Demo data, never a migration:
-- production databases start with an empty catalog. Run on every start, so it only adds what
-- is missing and never touches a product that exists (prices in minor units; a demo product
-- loaded before categories existed keeps having none).
WITH demo (id, sku, name, price_minor, currency, stock, category) AS (
  VALUES
    ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001'::uuid, 'MUG-001',  'Switchyard enamel mug',       1250, 'EUR', 500, 'kitchen'),
    ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0002'::uuid, 'TEE-001',  'Signal-box T-shirt',          2400, 'EUR', 300, 'apparel'),
    ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003'::uuid, 'LAMP-001', 'Brass lantern',               8900, 'EUR', 40,  'lighting'),
    ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0004'::uuid, 'BOOK-001', 'A history of the switchyard', 1999, 'EUR', 120, 'books'),
    ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0005'::uuid, 'MAP-001',  'Network map poster',          1500, 'EUR', 5,   'prints')
),
added AS (
  INSERT INTO products (id, sku, name, price_minor, currency, stock, category)
  SELECT id, sku, name, price_minor, currency, stock, category FROM demo
  ON CONFLICT DO NOTHING
  RETURNING id, stock
)
-- Each product's stock is the sum of its movements: a new product starts with one.
INSERT INTO stock_movements (id, product_id, delta, reason)
SELECT gen_random_uuid(), id, stock, 'initial' FROM added;
