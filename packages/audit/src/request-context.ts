import type { FastifyRequest } from 'fastify';
import { identityOf } from '@switchyard/service-kit';
import type { AuditActor, AuditContext, AuditOrigin } from './audit-event.js';

/**
 * Where a request came from: the client's address as the service determined it
 * (TRUSTED_PROXIES), its User-Agent and the request id. The trace id is taken from the active
 * span when the entry is written.
 */
export function auditOriginOf(request: FastifyRequest): AuditOrigin {
  const userAgent = request.headers['user-agent'];
  return {
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
    requestId: request.id,
  };
}

/** Who acted (as the route knows them) and from where. */
export function auditContextOf(request: FastifyRequest, actor: AuditActor): AuditContext {
  return { actor, ...auditOriginOf(request) };
}

/**
 * The signed-in caller of a request: a machine client (`client`), a person with the admin role
 * (`admin`), or a person acting on their own (`user`); and where the request came from.
 */
export function callerContextOf(request: FastifyRequest): AuditContext {
  const identity = identityOf(request);
  const actor: AuditActor = identity.clientId
    ? { type: 'client', id: identity.clientId }
    : { type: identity.roles.includes('admin') ? 'admin' : 'user', id: identity.userId };
  return auditContextOf(request, actor);
}
