/** The roles the platform knows; checked on the server, carried in access tokens. */
export const ROLES = ['customer', 'admin'] as const;
export type Role = (typeof ROLES)[number];
