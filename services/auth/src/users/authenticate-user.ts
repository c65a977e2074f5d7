import type { AuditOrigin } from '@switchyard/audit';
import { AppError } from '@switchyard/service-kit';
import { anonymous } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import type { User } from '../generated/prisma/client.js';
import { verifyPassword } from '../domain/passwords.js';

/** Why a sign-in failed, as the audit trail records it (the caller is told none of it). */
export type LoginFailure = 'unknown_account' | 'wrong_password' | 'account_disabled';

/**
 * Check an email and password. An unknown email, a wrong password and a disabled account all
 * get the same answer, after the same amount of work: the password hashing, and the failure's
 * entry in the audit trail (with the account when it exists, else the email tried).
 */
export async function authenticateUser(
  db: Db,
  email: string,
  password: string,
  origin: AuditOrigin,
): Promise<User> {
  const normalised = email.trim().toLowerCase();
  const user = await db.user.findUnique({ where: { email: normalised } });
  const ok = await verifyPassword(user?.passwordHash ?? null, password);
  const failure: LoginFailure | null = !user
    ? 'unknown_account'
    : !ok
      ? 'wrong_password'
      : user.disabled
        ? 'account_disabled'
        : null;
  if (!user || failure) {
    await db.$transaction((tx) =>
      recordAuthEvent(tx, anonymous(origin), {
        action: 'auth.login_failed',
        target: user ? userTarget(user.id) : null,
        details: user ? { reason: failure } : { reason: failure, email: normalised },
      }),
    );
    throw new AppError('UNAUTHENTICATED', 'Invalid email or password');
  }
  return user;
}
