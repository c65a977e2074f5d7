-- Every attempt to send an email, with its outcome.
CREATE TABLE email_attempts (
  id                uuid PRIMARY KEY,
  email_delivery_id uuid NOT NULL REFERENCES email_deliveries (id) ON DELETE CASCADE,
  attempted_at      timestamptz NOT NULL DEFAULT now(),
  outcome           text NOT NULL CHECK (outcome IN ('sent', 'failed')),
  error             text
);
CREATE INDEX email_attempts_email_delivery_id_idx ON email_attempts (email_delivery_id);
