-- What the admin routes did with each dead letter (@switchyard/messaging, dead-letter-routes):
-- a dead letter replayed or discarded through them leaves the default list, and a second replay
-- of it is refused. A dead letter is named by where it sits on its dead-letter topic. Each
-- consuming service copies this into a migration of its own database: the row commits with
-- the audit entry that records the action (docs/decisions/0018-audit-trail.md).
--
-- state: replay_requested (claimed and recorded, the produce under way — or cut short by a
-- crash: its outcome is unknown, the entry stays), replayed (Kafka acknowledged it), discarded.
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
