-- The daily sales report's ledger: one row per reported day. A replica claims the day (owner
-- token, lease); the transaction that marks it done also writes the report's event to the
-- outbox, so a day is reported once whichever replica runs it, and a replica that dies with the
-- claim leaves it to another once the lease has run out.
CREATE TABLE sales_report_days (
  report_date   date PRIMARY KEY,
  time_zone     text NOT NULL,
  status        text NOT NULL CHECK (status IN ('running', 'done')),
  owner         uuid,
  claimed_until timestamptz,
  attempts      integer NOT NULL DEFAULT 0,
  event_id      uuid,
  completed_at  timestamptz,
  created_at    timestamptz NOT NULL DEFAULT now()
);

-- The automations' test clock (AUTOMATION_TEST_CLOCK only): how far ahead of the wall clock
-- every replica's scheduler runs. One row at most; never read in production.
CREATE TABLE automation_test_clock (
  id        boolean PRIMARY KEY DEFAULT true CHECK (id),
  offset_ms bigint NOT NULL
);
