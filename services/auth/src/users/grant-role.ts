import type { AuditContext } from '@switchyard/audit';
import type { Db } from '../db.js';
import type { Role } from '../domain/roles.js';
import { announceAccess } from './publish-access-changed.js';
import { recordUserChanges } from './record-user-changes.js';

/**
 * Give the user with this email a role (the grant-role command: e.g. the first admin), and
 * record the grant in the audit trail. `granted` is false when they had it already; null for
 * an unknown email. Takes effect with the user's next access token.
 */
export async function grantRole(
  db: Db,
  options: { email: string; role: Role; by: AuditContext },
): Promise<{ roles: string[]; granted: boolean } | null> {
  const email = options.email.trim().toLowerCase();
  return db.$transaction(async (tx) => {
    const locked = await tx.$queryRaw<{ id: string }[]>`
      SELECT id FROM users WHERE email = ${email} FOR UPDATE`;
    if (locked.length === 0) return null;
    const before = await tx.user.findUniqueOrThrow({ where: { email } });
    if (before.roles.includes(options.role)) {
      // Granted already: announce it anyway (an admin from before user.access_changed existed).
      await announceAccess(tx, before);
      return { roles: before.roles, granted: false };
    }
    const after = await tx.user.update({
      where: { id: before.id },
      data: { roles: [...before.roles, options.role] },
    });
    await recordUserChanges(tx, options.by, before, after);
    return { roles: after.roles, granted: true };
  });
}
