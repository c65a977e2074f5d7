-- Refunds reach the order, and every change to a product's stock is a recorded movement, so
-- stock can be audited: for each product, the sum of its movements is its stock.
ALTER TABLE orders ADD COLUMN refunded_minor integer NOT NULL DEFAULT 0 CHECK (refunded_minor >= 0);

CREATE TABLE stock_movements (
  id         uuid PRIMARY KEY,
  product_id uuid NOT NULL REFERENCES products (id),
  order_id   uuid REFERENCES orders (id),
  delta      integer NOT NULL,
  reason     text NOT NULL CHECK (reason IN ('initial', 'adjustment', 'reserved', 'released')),
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX stock_movements_product_id_idx ON stock_movements (product_id);
-- An order reserves and releases each product at most once.
CREATE UNIQUE INDEX stock_movements_order_once_idx ON stock_movements (order_id, product_id, reason)
  WHERE order_id IS NOT NULL;

-- Products that exist already start from their current stock.
INSERT INTO stock_movements (id, product_id, delta, reason)
SELECT gen_random_uuid(), id, stock, 'initial' FROM products;
