-- An email that must go somewhere else than the recipient's current address: a link proving a
-- new address goes to that address, and the notice of a change goes to the old one. Null (every
-- other email): the recipient's address at send time.
ALTER TABLE email_deliveries ADD COLUMN to_address text;
