import type { User } from '../generated/prisma/client.js';

export interface UserView {
  id: string;
  email: string;
  name: string;
  roles: string[];
  createdAt: string;
}

export interface AdminUserView extends UserView {
  disabled: boolean;
}

/** What a client may see of a user: never the password hash. */
export function toUserView(user: User): UserView {
  return {
    id: user.id,
    email: user.email,
    name: user.name,
    roles: user.roles,
    createdAt: user.createdAt.toISOString(),
  };
}

export function toAdminUserView(user: User): AdminUserView {
  return { ...toUserView(user), disabled: user.disabled };
}
