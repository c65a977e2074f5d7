-- An email that carries a secret (a password-reset token) is stored with a placeholder in its
-- body and the secret sealed beside it; the sender opens it only to send, then clears it
-- (issue 10, item 13).
ALTER TABLE email_deliveries ADD COLUMN sealed_secret text;
