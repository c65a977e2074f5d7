import { AppError } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { User } from '../generated/prisma/client.js';
import { verifyPassword } from '../domain/passwords.js';

/**
 * Check an email and password. An unknown email, a wrong password and a disabled account all
 * get the same answer, after the same amount of work.
 */
export async function authenticateUser(db: Db, email: string, password: string): Promise<User> {
  const user = await db.user.findUnique({ where: { email: email.trim().toLowerCase() } });
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  if (!user || !ok || user.disabled)
    throw new AppError('UNAUTHENTICATED', 'Invalid email or password');
  return user;
}
