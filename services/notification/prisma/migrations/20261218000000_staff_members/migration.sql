-- Who the staff are, from auth's user.access_changed: the admins get the staff messages (the
-- daily sales report, low-stock alerts) at their address in recipients. Kept apart from
-- recipients so an access change needs no address and arrives in any order with it; the
-- latest change (by its event time) wins.
CREATE TABLE staff_members (
  user_id    uuid PRIMARY KEY,
  roles      text[] NOT NULL,
  disabled   boolean NOT NULL,
  changed_at timestamptz NOT NULL
);
CREATE INDEX staff_members_admins_idx ON staff_members (user_id)
  WHERE 'admin' = ANY (roles) AND NOT disabled;
