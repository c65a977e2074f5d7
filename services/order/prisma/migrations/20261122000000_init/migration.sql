-- Catalog, orders, and the transactional outbox / idempotent inbox.
CREATE TABLE products (
  id          uuid PRIMARY KEY,
  sku         text NOT NULL UNIQUE,
  name        text NOT NULL,
  price_minor integer NOT NULL CHECK (price_minor >= 0),
  currency    char(3) NOT NULL,
  stock       integer NOT NULL CHECK (stock >= 0),
  active      boolean NOT NULL DEFAULT true,
  created_at  timestamptz NOT NULL DEFAULT now(),
  updated_at  timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE orders (
  id             uuid PRIMARY KEY,
  user_id        uuid NOT NULL,
  status         text NOT NULL CHECK (status IN ('pending_payment', 'paid', 'cancelled')),
  total_minor    integer NOT NULL CHECK (total_minor >= 0),
  currency       char(3) NOT NULL,
  payment_method text NOT NULL,
  cancel_reason  text,
  created_at     timestamptz NOT NULL DEFAULT now(),
  updated_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX orders_user_id_created_at_idx ON orders (user_id, created_at);

CREATE TABLE order_lines (
  id               uuid PRIMARY KEY,
  order_id         uuid NOT NULL REFERENCES orders (id) ON DELETE CASCADE,
  product_id       uuid NOT NULL REFERENCES products (id),
  name             text NOT NULL,
  quantity         integer NOT NULL CHECK (quantity > 0),
  unit_price_minor integer NOT NULL CHECK (unit_price_minor >= 0)
);

CREATE TABLE outbox_events (
  id           uuid PRIMARY KEY,
  seq          bigserial NOT NULL UNIQUE,
  topic        text NOT NULL,
  message_key  text NOT NULL,
  event_type   text NOT NULL,
  headers      jsonb NOT NULL,
  payload      text NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX outbox_events_pending_idx ON outbox_events (seq) WHERE published_at IS NULL;

CREATE TABLE inbox_events (
  consumer     text NOT NULL,
  event_id     text NOT NULL,
  event_type   text NOT NULL,
  processed_at timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (consumer, event_id)
);

-- The seeded catalog (prices in minor units).
INSERT INTO products (id, sku, name, price_minor, currency, stock) VALUES
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', 'MUG-001',  'Switchyard enamel mug',     1250, 'EUR', 500),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0002', 'TEE-001',  'Signal-box T-shirt',        2400, 'EUR', 300),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0003', 'LAMP-001', 'Brass lantern',             8900, 'EUR', 40),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0004', 'BOOK-001', 'A history of the switchyard', 1999, 'EUR', 120),
  ('0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0005', 'MAP-001',  'Network map poster',         1500, 'EUR', 5);
