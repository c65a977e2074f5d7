import {
  auditContextOf,
  auditOriginOf,
  type AuditActor,
  type AuditContext,
  type AuditOrigin,
} from '@switchyard/audit';
import { userOf } from '@switchyard/service-kit';
import type { FastifyRequest } from 'fastify';

/** A caller not identified yet: a sign-in attempt, a presented refresh or reset token. */
export const anonymous = (origin: AuditOrigin): AuditContext => ({
  actor: { type: 'anonymous', id: null },
  ...origin,
});

/** A person acting on their own account. */
export const asUser = (userId: string, origin: AuditOrigin): AuditContext => ({
  actor: { type: 'user', id: userId },
  ...origin,
});

/** The signed-in admin making this request. */
export const asAdmin = (request: FastifyRequest): AuditContext =>
  auditContextOf(request, { type: 'admin', id: userOf(request).userId });

/** The signed-in person making this request, on their own account. */
export const asSignedInUser = (request: FastifyRequest): AuditContext =>
  asUser(userOf(request).userId, auditOriginOf(request));

/** An operator's command line (`cli:<operator>`, see cli/operator.ts). */
export const asOperator = (operator: string): AuditContext => ({
  actor: { type: 'system', id: operator },
});

/** The auth service itself (e.g. its first signing key). */
export const AUTH_SERVICE: AuditContext = { actor: { type: 'system', id: 'auth' } };

/**
 * How the oauth_clients table names who revoked a client: `user:<id>` for an admin through the
 * API, the operator (`cli:<name>`) for the command line.
 */
export function revokedByOf(actor: AuditActor): string {
  return actor.type === 'admin' || actor.type === 'user' ? `user:${actor.id}` : String(actor.id);
}
