-- Recipients, the in-app inbox, the email queue, and the outbox / inbox.
CREATE TABLE recipients (
  user_id    uuid PRIMARY KEY,
  email      text NOT NULL,
  name       text NOT NULL,
  updated_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE notifications (
  id              uuid PRIMARY KEY,
  user_id         uuid NOT NULL,
  source_event_id text NOT NULL,
  category        text NOT NULL,
  title           text NOT NULL,
  body            text NOT NULL,
  read_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now(),
  UNIQUE (source_event_id, user_id)
);
CREATE INDEX notifications_user_id_created_at_idx ON notifications (user_id, created_at);

CREATE TABLE email_deliveries (
  id              uuid PRIMARY KEY,
  notification_id uuid NOT NULL UNIQUE REFERENCES notifications (id) ON DELETE CASCADE,
  user_id         uuid NOT NULL,
  subject         text NOT NULL,
  text_body       text NOT NULL,
  status          text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'sent', 'failed')),
  attempts        integer NOT NULL DEFAULT 0,
  last_error      text,
  next_attempt_at timestamptz NOT NULL DEFAULT now(),
  sent_at         timestamptz,
  created_at      timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX email_deliveries_status_next_attempt_at_idx ON email_deliveries (status, next_attempt_at);

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
