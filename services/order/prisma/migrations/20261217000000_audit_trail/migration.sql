-- The audit trail (packages/audit, docs/decisions/0018-audit-trail.md): the order service's
-- audited actions, written in their own transactions, hash-chained in the stream 'order'.
-- The tables as packages/audit/sql/audit-tables.sql defines them, then what the dead-letter
-- admin routes replayed or discarded (packages/messaging/sql/dead-letter-dispositions.sql).
CREATE TABLE audit_events (
  id          uuid PRIMARY KEY,
  stream      text NOT NULL,
  seq         bigint NOT NULL CHECK (seq > 0),
  occurred_at timestamptz NOT NULL,
  actor_type  text NOT NULL,
  actor_id    text,
  action      text NOT NULL,
  target_type text,
  target_id   text,
  changes     jsonb,
  details     jsonb,
  ip          text,
  user_agent  text,
  request_id  text,
  trace_id    text,
  prev_hash   text NOT NULL,
  hash        text NOT NULL,
  CONSTRAINT audit_events_stream_seq_key UNIQUE (stream, seq)
);
-- The admin search: newest first, by time alone or by actor, action or target.
CREATE INDEX audit_events_occurred_at_id_idx ON audit_events (occurred_at, id);
CREATE INDEX audit_events_actor_idx ON audit_events (actor_id, occurred_at, id);
CREATE INDEX audit_events_action_idx ON audit_events (action, occurred_at, id);
CREATE INDEX audit_events_target_idx ON audit_events (target_id, target_type, occurred_at, id);

-- audit_streams: each stream's head (the last entry's seq and hash; writers lock this row, so
-- one stream's entries are appended one at a time) and anchor (the last purged entry's seq and
-- hash, where verification starts; the genesis hash before any purge).
CREATE TABLE audit_streams (
  stream      text PRIMARY KEY,
  head_seq    bigint NOT NULL,
  head_hash   text NOT NULL,
  anchor_seq  bigint NOT NULL,
  anchor_hash text NOT NULL,
  purged_at   timestamptz
);

CREATE TABLE dead_letter_dispositions (
  dead_letter_topic text NOT NULL,
  kafka_partition   integer NOT NULL,
  kafka_offset      bigint NOT NULL,
  state             text NOT NULL CHECK (state IN ('replay_requested', 'replayed', 'discarded')),
  event_id          text,
  handled_by        text,
  handled_at        timestamptz NOT NULL DEFAULT now(),
  CONSTRAINT dead_letter_dispositions_pkey PRIMARY KEY (dead_letter_topic, kafka_partition, kafka_offset)
);
