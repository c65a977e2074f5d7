import type { FastifyRequest } from 'fastify';
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
