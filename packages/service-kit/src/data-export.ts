import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { AppError } from './errors.js';
import { problemResponse } from './plugins/openapi.js';
import { identityOf } from './plugins/jwt-auth.js';

/**
 * What one service holds about the signed-in person, for their data export (ADR 20): the
 * gateway's GET /v1/account/export gathers every service's part into one document. Each part is
 * plain JSON of that service's own records, named by section (`orders`, `payments`, ...).
 */
export const ServiceDataExport = Type.Object(
  {
    service: Type.String(),
    exportedAt: Type.String({ format: 'date-time' }),
    data: Type.Record(Type.String(), Type.Unknown()),
  },
  { additionalProperties: false },
);
export type ServiceDataExport = Static<typeof ServiceDataExport>;

/** The path every service serves its part at (not routed by the gateway: it calls it). */
export const DATA_EXPORT_PATH = '/v1/me/export';

/**
 * Register GET /v1/me/export: the caller's token is verified like any other (zero trust), and
 * `collect` reads what this service holds about that user (never anyone else's).
 */
export function dataExportRoute(
  app: FastifyInstance,
  options: { service: string; collect: (userId: string) => Promise<Record<string, unknown>> },
): void {
  app.get(
    DATA_EXPORT_PATH,
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: `export${options.service[0]!.toUpperCase()}${options.service.slice(1)}Data`,
        summary: `What the ${options.service} service holds about you`,
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        response: { 200: ServiceDataExport, 403: problemResponse },
      },
    },
    async (request) => {
      const identity = identityOf(request);
      if (identity.clientId) throw new AppError('FORBIDDEN', 'Only a person has data to export');
      return {
        service: options.service,
        exportedAt: new Date().toISOString(),
        data: await options.collect(identity.userId),
      };
    },
  );
}
