import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';
import { AppError, DATA_EXPORT_PATH, ServiceDataExport } from '@switchyard/service-kit';
import type { UpstreamPool } from '../upstreams/upstream-pool.js';

/** The services that hold something about a person, each asked for its part of the export. */
export const EXPORTING_SERVICES = ['auth', 'order', 'payment', 'notification', 'billing'];

export const ACCOUNT_EXPORT_PATH = '/v1/account/export';

/** The whole export: when, and each service's part by its name. */
export const AccountExport = Type.Object(
  {
    exportedAt: Type.String({ format: 'date-time' }),
    services: Type.Record(Type.String(), ServiceDataExport),
  },
  { additionalProperties: false },
);

/**
 * GET /v1/account/export (ADR 20): the signed-in person's data from every service, as one JSON
 * document. Services only talk through Kafka, so the gateway gathers it: each service serves
 * its own part at GET /v1/me/export, which the gateway calls through the same upstream pools
 * as any proxied request, with the caller's own token (each service verifies it again and
 * answers only for that person). All or nothing: a part that cannot be had makes the whole a
 * 503, never an export that silently leaves a service out.
 */
export const accountExport = fp(
  async (app: FastifyInstance, options: { pools: Map<string, UpstreamPool> }) => {
    app.get(ACCOUNT_EXPORT_PATH, async (request, reply) => {
      const authorization = request.headers.authorization!;
      const parts = await Promise.all(
        EXPORTING_SERVICES.map(async (service) => {
          const pool = options.pools.get(service);
          if (!pool) throw new Error(`no upstream pool for ${service}`);
          try {
            const res = await pool.request({
              origin: 'http://upstream',
              path: DATA_EXPORT_PATH,
              method: 'GET',
              headers: {
                authorization,
                'x-request-id': String(request.id),
                accept: 'application/json',
              },
            });
            const body = (await res.body.json()) as ServiceDataExport;
            if (res.statusCode === 403)
              throw new AppError('FORBIDDEN', 'Only a person has data to export');
            if (res.statusCode !== 200) throw new Error(`${service} answered ${res.statusCode}`);
            return [service, body] as const;
          } catch (error) {
            if (error instanceof AppError) throw error;
            request.log.warn({ err: error, upstream: service }, 'data export part failed');
            reply.header('retry-after', '5');
            throw new AppError(
              'UNAVAILABLE',
              `The ${service} service cannot export right now; retry`,
            );
          }
        }),
      );
      return {
        exportedAt: new Date().toISOString(),
        services: Object.fromEntries(parts),
      };
    });
  },
  { name: 'switchyard-account-export', dependencies: ['switchyard-gateway-authentication'] },
);
