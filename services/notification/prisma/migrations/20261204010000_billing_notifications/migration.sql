-- The files an email carries (an issued invoice's or credit note's PDF), written with the email
-- and read by the dispatcher when it claims it. The bytes are cleared once the email is sent or
-- given up (billing keeps the document; the download serves it): only the record stays.
CREATE TABLE email_attachments (
  id                uuid PRIMARY KEY,
  email_delivery_id uuid NOT NULL REFERENCES email_deliveries (id) ON DELETE CASCADE,
  filename          text NOT NULL,
  content_type      text NOT NULL,
  size_bytes        integer NOT NULL,
  content           bytea
);
CREATE INDEX email_attachments_email_delivery_id_idx ON email_attachments (email_delivery_id);

-- Subscriptions, invoices and credit notes are their own category: a customer may want their
-- invoices by email and their order news in the app only.
ALTER TABLE notification_preferences DROP CONSTRAINT notification_preferences_category_check;
ALTER TABLE notification_preferences ADD CONSTRAINT notification_preferences_category_check
  CHECK (category IN ('account', 'order', 'payment', 'billing'));
