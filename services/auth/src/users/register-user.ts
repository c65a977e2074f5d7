import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import { enqueueEvent } from '@switchyard/messaging';
import { AppError } from '@switchyard/service-kit';
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

/** Create a customer account and announce it (user.registered) in the same transaction. */
export async function registerUser(db: Db, input: RegisterInput): Promise<UserView> {
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
