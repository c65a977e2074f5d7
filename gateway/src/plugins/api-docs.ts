import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swaggerUi from '@fastify/swagger-ui';
import { mergeOpenApi, type OpenApiDocument } from '../api-docs/merge-openapi.js';
import type { UpstreamRoute } from '../routes/route-table.js';

const REFRESH_MS = 60_000;

/**
 * `/docs`: an interactive UI over one OpenAPI document merged from every service's own
 * `/openapi.json` (served at `/docs/json`). Refetched at most once a minute; a service that
 * does not answer keeps its last known paths.
 */
export const apiDocs = fp(
  async (app: FastifyInstance, options: { routes: UpstreamRoute[] }) => {
    const services = new Map(options.routes.map((r) => [r.service, r.upstream]));
    const known = new Map<string, OpenApiDocument>();
    let merged: OpenApiDocument = mergeOpenApi([], options.routes);
    let fetchedAt = 0;

    async function refresh(): Promise<void> {
      if (Date.now() - fetchedAt < REFRESH_MS && known.size === services.size) return;
      await Promise.all(
        [...services].map(async ([service, upstream]) => {
          try {
            const res = await fetch(`${upstream}/openapi.json`, {
              signal: AbortSignal.timeout(3_000),
            });
            if (res.ok) known.set(service, (await res.json()) as OpenApiDocument);
          } catch (error) {
            app.log.warn({ err: error, service }, 'could not fetch a service OpenAPI document');
          }
        }),
      );
      fetchedAt = Date.now();
      merged = mergeOpenApi(
        [...known].map(([service, document]) => ({ service, document })),
        options.routes,
      );
    }

    await app.register(swaggerUi, {
      routePrefix: '/docs',
      staticCSP: true,
      uiHooks: { onRequest: async () => refresh() },
      transformSpecificationClone: false,
      transformSpecification: () => merged as Record<string, unknown>,
    });
  },
  { name: 'switchyard-api-docs' },
);
