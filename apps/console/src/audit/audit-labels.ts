import { shortId } from '../orders/short-id';
import { humaniseKey } from '../ui/describe-value';
import { ACTOR_TYPES, type AuditEvent } from './audit-api';

/** The actions staff read most, in words; any other is its code made readable. */
const ACTIONS: Record<string, string> = {
  'auth.login_succeeded': 'Signed in',
  'auth.login_failed': 'Sign-in failed',
  'auth.logged_out': 'Signed out',
  'auth.refresh_token_reuse_detected': 'Stolen session token detected',
  'user.registered': 'Registered',
  'user.password_changed': 'Password changed',
  'user.password_reset': 'Password reset',
  'user.password_reset_requested': 'Password reset requested',
  'user.role_granted': 'Role granted',
  'user.role_revoked': 'Role revoked',
  'user.disabled': 'Account disabled',
  'user.enabled': 'Account enabled',
};

export const actionLabel = (action: string) => {
  const known = ACTIONS[action];
  if (known) return known;
  const words = humaniseKey(action.replace(/\./g, ' '));
  return words.charAt(0).toUpperCase() + words.slice(1);
};

/** A UUID as its first block (enough to tell apart on a screen); any other id whole. */
export const shortRef = (id: string) => (/^[0-9a-f]{8}-[0-9a-f]{4}-/i.test(id) ? shortId(id) : id);

/** "Admin 3f2a9c1d" or "System auth", for the "by" column. */
export const actorLabel = (actor: AuditEvent['actor']) =>
  actor.id ? `${ACTOR_TYPES[actor.type]} ${shortRef(actor.id)}` : ACTOR_TYPES[actor.type];
