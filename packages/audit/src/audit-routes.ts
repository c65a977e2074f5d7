import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireRole } from '@switchyard/service-kit';
import { AuditEventList, AuditEventQuery } from './audit-schemas.js';
import { auditEventFilterOf, toAuditEventView } from './event-views.js';
import { listAuditEvents } from './list-audit-events.js';
import type { AuditSql } from './sql-client.js';

export interface AuditRoutesOptions {
  /** The service whose trail this is: served at /v1/admin/audit-events/<service>. */
  service: string;
  db: AuditSql;
}

const capitalised = (name: string) => name.charAt(0).toUpperCase() + name.slice(1);

/** Admins search the service's audit trail: filters, newest first, cursor paging. */
export async function auditRoutes(fastify: FastifyInstance, options: AuditRoutesOptions) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.get(
    `/v1/admin/audit-events/${options.service}`,
    {
      onRequest: [app.authenticate, requireRole('admin')],
      schema: {
        tags: ['admin'],
        operationId: `list${capitalised(options.service)}AuditEvents`,
        summary: `Search the ${options.service} service's audit trail, newest first (admin)`,
        security: [{ bearerAuth: [] }],
        querystring: AuditEventQuery,
        response: { 200: AuditEventList },
      },
    },
    async (request) => {
      const page = await listAuditEvents(options.db, auditEventFilterOf(request.query));
      return { items: page.items.map(toAuditEventView), nextCursor: page.nextCursor };
    },
  );
}
