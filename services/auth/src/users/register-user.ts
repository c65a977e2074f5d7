import { randomUUID } from 'node:crypto';
import type { AuditOrigin } from '@switchyard/audit';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError } from '@switchyard/service-kit';
import { asUser } from '../audit/actors.js';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import type { Db } from '../db.js';
import { Prisma } from '../generated/prisma/client.js';
import { hashPassword } from '../domain/passwords.js';
import { assertAcceptablePassword } from '../domain/password-policy.js';
import { toUserView, type UserView } from './user-view.js';

export interface RegisterInput {
  email: string;
  password: string;
  name: string;
}

/**
 * Create a customer account, announce it (user.registered) and record it in the audit trail,
 * in one transaction.
 */
export async function registerUser(
  db: Db,
  input: RegisterInput,
  origin: AuditOrigin,
): Promise<UserView> {
  const email = input.email.trim().toLowerCase();
  assertAcceptablePassword(input.password, email);
  const passwordHash = await hashPassword(input.password);
  const id = randomUUID();
  try {
    const user = await db.$transaction(async (tx) => {
      const created = await tx.user.create({
        data: { id, email, name: input.name.trim(), passwordHash, roles: ['customer'] },
      });
      await enqueueEvent(
        tx,
        createEvent('user.registered', {
          source: 'auth',
          subject: id,
          data: { userId: id, email, name: created.name },
        }),
      );
      await recordAuthEvent(tx, asUser(id, origin), {
        action: 'user.registered',
        target: userTarget(id),
        details: { email },
      });
      return created;
    });
    return toUserView(user);
  } catch (error) {
    if (error instanceof Prisma.PrismaClientKnownRequestError && error.code === 'P2002') {
      throw new AppError('CONFLICT', 'An account with this email already exists');
    }
    throw error;
  }
}
