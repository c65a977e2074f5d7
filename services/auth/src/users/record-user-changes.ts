import { changedFields, type AuditContext, type AuditSql } from '@switchyard/audit';
import { recordAuthEvent, userTarget } from '../audit/record-auth-event.js';
import { publishAccessChanged } from './publish-access-changed.js';

interface UserAccess {
  id: string;
  roles: string[];
  disabled: boolean;
}

/**
 * Record what changed of a user's access, one entry each: every role granted
 * (`user.role_granted`) or revoked (`user.role_revoked`) with the roles before and after, and
 * the account disabled or enabled with its state before and after. Nothing when nothing changed.
 * The same change is announced as user.access_changed (publishAccessChanged).
 */
export async function recordUserChanges(
  tx: AuditSql,
  by: AuditContext,
  before: UserAccess,
  after: UserAccess,
): Promise<void> {
  const target = userTarget(after.id);
  const roles = changedFields(before, after, ['roles']);
  for (const role of after.roles.filter((r) => !before.roles.includes(r)))
    await recordAuthEvent(tx, by, {
      action: 'user.role_granted',
      target,
      changes: roles,
      details: { role },
    });
  for (const role of before.roles.filter((r) => !after.roles.includes(r)))
    await recordAuthEvent(tx, by, {
      action: 'user.role_revoked',
      target,
      changes: roles,
      details: { role },
    });
  if (before.disabled !== after.disabled)
    await recordAuthEvent(tx, by, {
      action: after.disabled ? 'user.disabled' : 'user.enabled',
      target,
      changes: changedFields(before, after, ['disabled']),
    });
  // Who the admins are, for the notification service (its staff emails).
  await publishAccessChanged(tx, before, after);
}
