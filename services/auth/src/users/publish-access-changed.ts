import { createEvent } from '@switchyard/contracts';
import { enqueueEvent, type SqlClient } from '@switchyard/messaging';

interface UserAccess {
  id: string;
  roles: string[];
  disabled: boolean;
}

/**
 * Announce a user's access as it now stands (user.access_changed) when a change gave or took a
 * role or disabled or enabled the account, in the change's transaction: the notification
 * service learns who the admins are from it (staff emails: the daily sales report, low-stock
 * alerts). Nothing when nothing changed.
 */
export async function publishAccessChanged(
  tx: SqlClient,
  before: UserAccess,
  after: UserAccess,
): Promise<void> {
  const sameRoles =
    before.roles.length === after.roles.length &&
    before.roles.every((r) => after.roles.includes(r));
  if (sameRoles && before.disabled === after.disabled) return;
  await announceAccess(tx, after);
}

/**
 * Announce a user's access as it stands, changed or not: the grant-role command does so for an
 * admin who already was one, so admins made before this event existed can be made known.
 */
export async function announceAccess(tx: SqlClient, after: UserAccess): Promise<void> {
  await enqueueEvent(
    tx,
    createEvent('user.access_changed', {
      source: 'auth',
      subject: after.id,
      data: { userId: after.id, roles: after.roles, disabled: after.disabled },
    }),
  );
}
