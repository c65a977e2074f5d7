-- Admins made before user.access_changed existed are unknown to the notification service, which
-- learns who gets staff emails (the daily sales report, low-stock alerts) from that event. Each
-- of them is queued here once, by this migration; the first replica to start announces and
-- removes them in one transaction (src/users/announce-existing-staff.ts). A new database queues
-- nobody.
CREATE TABLE access_announcements_due (
  user_id uuid PRIMARY KEY
);
INSERT INTO access_announcements_due (user_id)
SELECT id FROM users WHERE 'admin' = ANY (roles);
