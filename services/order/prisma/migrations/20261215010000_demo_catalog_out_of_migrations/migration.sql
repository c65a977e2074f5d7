-- The init migration seeded five demo products into every database, production included. Demo
-- data now comes from a seed step only local stacks run (prisma/seed/demo-catalog.sql), and
-- init stays as it was applied (its checksum is recorded everywhere). Here the demo products
-- go again, from a fresh database and from one that never used them: unchanged since init
-- (same values, never updated), never ordered, no stock movement but their initial one. A
-- demo product that was ordered or edited is real data by now, and stays.
CREATE TEMPORARY TABLE demo_products (id, sku, name, price_minor, currency, stock) ON COMMIT DROP AS
VALUES
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001'::uuid, 'MUG-001',  'Switchyard enamel mug',       1250, 'EUR', 500),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0002'::uuid, 'TEE-001',  'Signal-box T-shirt',          2400, 'EUR', 300),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003'::uuid, 'LAMP-001', 'Brass lantern',               8900, 'EUR', 40),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0004'::uuid, 'BOOK-001', 'A history of the switchyard', 1999, 'EUR', 120),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0005'::uuid, 'MAP-001',  'Network map poster',          1500, 'EUR', 5);

CREATE TEMPORARY TABLE untouched_demo_products ON COMMIT DROP AS
SELECT p.id
  FROM products p
  JOIN demo_products d ON d.id = p.id
 WHERE (p.sku, p.name, p.price_minor, p.currency, p.stock, p.active)
       = (d.sku, d.name, d.price_minor, d.currency::char(3), d.stock, true)
   AND p.updated_at = p.created_at
   AND NOT EXISTS (SELECT 1 FROM order_lines l WHERE l.product_id = p.id)
   AND NOT EXISTS (
     SELECT 1 FROM stock_movements m WHERE m.product_id = p.id AND m.reason <> 'initial'
   );

DELETE FROM stock_movements m USING untouched_demo_products u WHERE m.product_id = u.id;
DELETE FROM products p USING untouched_demo_products u WHERE p.id = u.id;
