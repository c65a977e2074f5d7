import type { operations } from '@switchyard/client';
import { api } from '../api/api-client';
import { listAuditEvents } from '../audit/audit-api';

// Every call the customer screens make, on the public API through the typed client.

export const USERS_PER_PAGE = 25;

type UserQuery = NonNullable<operations['listUsers']['parameters']['query']>;
export type Role = NonNullable<UserQuery['role']>;
export const ROLES: Record<Role, string> = { customer: 'Customer', admin: 'Admin' };

/** One page of accounts, oldest first, narrowed by email (a part of it), role and state. */
export async function listUsers(filter: Omit<UserQuery, 'limit'>) {
  const { data } = await api.GET('/v1/auth/admin/users', {
    params: { query: { limit: USERS_PER_PAGE, ...filter } },
  });
  return data!;
}

export type User = Awaited<ReturnType<typeof listUsers>>['items'][number];

export async function getUser(id: string) {
  const { data } = await api.GET('/v1/auth/admin/users/{id}', { params: { path: { id } } });
  return data!;
}

/**
 * Disable or enable an account, or set its roles. Disabling ends every session of the person
 * at once; auth refuses an admin disabling their own account (409).
 */
export async function updateUser(id: string, changes: { disabled?: boolean; roles?: Role[] }) {
  const { data } = await api.PATCH('/v1/auth/admin/users/{id}', {
    params: { path: { id } },
    body: changes,
  });
  return data!;
}

/** What auth recorded about one account: sign-ins, password changes, roles, disabling. */
export const listSecurityEventsOf = (userId: string, cursor?: string) =>
  listAuditEvents('auth', {
    targetType: 'user',
    targetId: userId,
    ...(cursor ? { cursor } : {}),
  });
