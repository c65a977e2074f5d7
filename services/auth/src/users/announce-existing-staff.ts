import type { Db } from '../db.js';
import { announceAccess } from './publish-access-changed.js';

/**
 * Announce (user.access_changed) the admins a migration queued because they were made before the
 * event existed, so the notification service knows who gets staff emails without anyone running
 * grant-role again. Run by every replica before it serves: the DELETE … RETURNING takes each
 * queued user once, and the announcements commit with it, so they go out exactly once across
 * replicas and restarts. Once the queue is empty this is one statement.
 */
export async function announceExistingStaff(db: Db): Promise<number> {
  return db.$transaction(async (tx) => {
    const due = await tx.$queryRaw<{ id: string; roles: string[]; disabled: boolean }[]>`
      WITH taken AS (DELETE FROM access_announcements_due RETURNING user_id)
      SELECT u.id, u.roles, u.disabled FROM taken JOIN users u ON u.id = taken.user_id`;
    for (const user of due) await announceAccess(tx, user);
    return due.length;
  });
}
