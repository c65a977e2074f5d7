-- Low-stock alerts. A product's threshold is its own (low_stock_threshold) or, when null, the
-- service's default (LOW_STOCK_DEFAULT_THRESHOLD, kept in low_stock_settings at start). Whether
-- an alert is due is decided by the database, in the very UPDATE that changes the stock: under
-- the row lock, so concurrent orders see one crossing, whichever code path moved the stock
-- (placement, release, an admin's adjustment). `low_stock_alerted` is the arming state: set by
-- the crossing, cleared when the stock is back at or above the threshold.
-- Constant defaults: adding these columns changes only the catalog (no table rewrite).
ALTER TABLE products
  ADD COLUMN low_stock_threshold integer CHECK (low_stock_threshold >= 0),
  ADD COLUMN low_stock_alerted boolean NOT NULL DEFAULT false;

-- Written by the service at start from its config; one row.
CREATE TABLE low_stock_settings (
  id                boolean PRIMARY KEY DEFAULT true CHECK (id),
  enabled           boolean NOT NULL,
  default_threshold integer NOT NULL CHECK (default_threshold >= 0),
  updated_at        timestamptz NOT NULL DEFAULT now()
);

-- One row per crossing, written by the trigger in the stock change's transaction; the alert
-- dispatcher moves each into the outbox (product.low_stock) and marks it published, in one
-- transaction.
CREATE TABLE low_stock_alerts (
  id           uuid PRIMARY KEY DEFAULT gen_random_uuid(),
  product_id   uuid NOT NULL REFERENCES products (id),
  stock        integer NOT NULL,
  threshold    integer NOT NULL,
  created_at   timestamptz NOT NULL DEFAULT now(),
  published_at timestamptz
);
CREATE INDEX low_stock_alerts_pending_idx ON low_stock_alerts (created_at)
  WHERE published_at IS NULL;

CREATE FUNCTION products_low_stock_crossing() RETURNS trigger
LANGUAGE plpgsql AS $$
DECLARE
  settings low_stock_settings%ROWTYPE;
  threshold integer;
BEGIN
  SELECT * INTO settings FROM low_stock_settings WHERE id;
  -- Off (or never configured): no state is kept, so turning it on starts from the stock as it is.
  IF NOT FOUND OR NOT settings.enabled THEN
    RETURN NEW;
  END IF;
  threshold := COALESCE(NEW.low_stock_threshold, settings.default_threshold);
  IF NEW.stock < threshold THEN
    IF NOT NEW.low_stock_alerted THEN
      NEW.low_stock_alerted := true;
      INSERT INTO low_stock_alerts (product_id, stock, threshold)
      VALUES (NEW.id, NEW.stock, threshold);
    END IF;
  ELSIF NEW.low_stock_alerted THEN
    NEW.low_stock_alerted := false; -- back at or above the threshold: armed again
  END IF;
  RETURN NEW;
END
$$;

CREATE TRIGGER products_low_stock_crossing
  BEFORE UPDATE OF stock, low_stock_threshold ON products
  FOR EACH ROW EXECUTE FUNCTION products_low_stock_crossing();
