import { notFound } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { toProfileView, type ProfileView } from './profile-view.js';

/** The signed-in customer's profile (404 when the account is gone). */
export async function getProfile(db: Db, userId: string): Promise<ProfileView> {
  const user = await db.user.findUnique({ where: { id: userId } });
  if (!user) throw notFound('user');
  return toProfileView(user);
}
