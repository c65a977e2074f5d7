import type { FastifyRequest } from 'fastify';
import type { AuditActor, AuditContext } from './audit-event.js';

/**
 * Who acted (as the route knows them) and from where: the client's address as the service
 * determined it (TRUSTED_PROXIES), its User-Agent and the request id. The trace id is taken
 * from the active span when the entry is written.
 */
export function auditContextOf(request: FastifyRequest, actor: AuditActor): AuditContext {
  const userAgent = request.headers['user-agent'];
  return {
    actor,
    ip: request.ip ?? null,
    userAgent: typeof userAgent === 'string' ? userAgent : null,
    requestId: request.id,
  };
}
