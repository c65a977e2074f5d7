-- Saved payment methods. Card data never reaches us: the provider holds the card, we keep its
-- ids (the customer's and the method's) and what a person needs to recognise the card.
CREATE TABLE provider_customers (
  user_id              uuid PRIMARY KEY,
  provider_customer_id text NOT NULL UNIQUE,
  created_at           timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE saved_payment_methods (
  id         text PRIMARY KEY,
  user_id    uuid NOT NULL REFERENCES provider_customers (user_id),
  brand      text NOT NULL,
  last4      text NOT NULL,
  exp_month  integer NOT NULL,
  exp_year   integer NOT NULL,
  created_at timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX saved_payment_methods_user_idx ON saved_payment_methods (user_id, created_at);
