import type { Redis } from 'ioredis';
import type { AuditContext } from '@switchyard/audit';
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
import { recordUserChanges } from './record-user-changes.js';
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
 * Each role granted or revoked, and the account disabled or enabled, is recorded in the audit
 * trail with the roles or state before and after, in the change's transaction (the row is
 * locked, so concurrent changes each see the one before). Null for an unknown user.
 */
export async function updateUser(
  db: Db,
  redis: Redis,
  options: {
    userId: string;
    roles?: Role[];
    disabled?: boolean;
    accessTokenTtlSeconds: number;
    by: AuditContext;
  },
): Promise<AdminUserView | null> {
  const user = await db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE id = ${options.userId}::uuid FOR UPDATE`;
    if (locked.length === 0) return null;
    const before = await tx.user.findUniqueOrThrow({ where: { id: options.userId } });
    // A deleted account stays deleted: its data is gone and every service erased theirs.
    if (before.deletedAt) return null;
    const updated = await tx.user.update({
      where: { id: options.userId },
      data: {
        ...(options.roles ? { roles: [...new Set(options.roles)] } : {}),
        ...(options.disabled !== undefined ? { disabled: options.disabled } : {}),
      },
    });
    if (options.disabled) await revokeAllForUser(tx, options.userId);
    await recordUserChanges(tx, options.by, before, updated);
    return updated;
  });
  if (!user) return null;
  if (options.disabled === true) await markDisabled(redis, user.id, options.accessTokenTtlSeconds);
  if (options.disabled === false) await clearDisabled(redis, user.id);
  return toAdminUserView(user);
}
