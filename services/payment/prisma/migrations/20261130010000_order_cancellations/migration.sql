-- Every order.cancelled is remembered, whether or not a payment exists yet: events can arrive
-- out of order (a replay from the dead-letter topic, a relay race), and an order.created that
-- comes after its cancellation must not be charged (issue 10, item 1).
CREATE TABLE order_cancellations (
  order_id     uuid PRIMARY KEY,
  reason       text NOT NULL,
  cancelled_at timestamptz NOT NULL DEFAULT now()
);
