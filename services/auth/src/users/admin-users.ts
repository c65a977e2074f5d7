import type { Redis } from 'ioredis';
import {
  clearDisabled,
  cursorParam,
  keysetPage,
  markDisabled,
  newerThan,
} from '@switchyard/service-kit';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { Role } from '../domain/roles.js';
import { revokeAllForUser } from '../tokens/refresh-tokens.js';
import { toAdminUserView, type AdminUserView } from './user-view.js';

export interface UserFilter {
  email?: string;
  role?: Role;
  disabled?: boolean;
  limit: number;
  cursor?: string;
}

/** Users, oldest first, filtered; keyset pagination on (created_at, id). */
export async function listUsers(
  db: Db,
  filter: UserFilter,
): Promise<{ items: AdminUserView[]; nextCursor: string | null }> {
  const after = cursorParam(filter.cursor);
  const where: Prisma.UserWhereInput = {
    ...(filter.email ? { email: { contains: filter.email.toLowerCase() } } : {}),
    ...(filter.role ? { roles: { has: filter.role } } : {}),
    ...(filter.disabled !== undefined ? { disabled: filter.disabled } : {}),
    ...newerThan(after),
  };
  const rows = await db.user.findMany({
    where,
    orderBy: [{ createdAt: 'asc' }, { id: 'asc' }],
    take: filter.limit + 1,
  });
  const { items, nextCursor } = keysetPage(rows, filter.limit);
  return { items: items.map(toAdminUserView), nextCursor };
}

/**
 * Change a user's roles or disable them. Disabling ends every session at once (refresh
 * tokens revoked) and puts the user on the gateway's denylist for an access token's lifetime.
 */
export async function updateUser(
  db: Db,
  redis: Redis,
  options: { userId: string; roles?: Role[]; disabled?: boolean; accessTokenTtlSeconds: number },
): Promise<AdminUserView | null> {
  const existing = await db.user.findUnique({ where: { id: options.userId } });
  if (!existing) return null;
  const user = await db.$transaction(async (tx) => {
    const updated = await tx.user.update({
      where: { id: options.userId },
      data: {
        ...(options.roles ? { roles: [...new Set(options.roles)] } : {}),
        ...(options.disabled !== undefined ? { disabled: options.disabled } : {}),
      },
    });
    if (options.disabled) await revokeAllForUser(tx, options.userId);
    return updated;
  });
  if (options.disabled === true) await markDisabled(redis, user.id, options.accessTokenTtlSeconds);
  if (options.disabled === false) await clearDisabled(redis, user.id);
  return toAdminUserView(user);
}
