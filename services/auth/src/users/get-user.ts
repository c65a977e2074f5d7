import type { Db } from '../db.js';
import { toAdminUserView, type AdminUserView } from './user-view.js';

/** One user as an admin sees them, or null for an unknown id. */
export async function getUser(db: Db, userId: string): Promise<AdminUserView | null> {
  const row = await db.user.findUnique({ where: { id: userId } });
  return row ? toAdminUserView(row) : null;
}
