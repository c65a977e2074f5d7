import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';

export interface RouteRecord {
  method: string;
  url: string;
  hidden: boolean;
}

declare module 'fastify' {
  interface FastifyInstance {
    /** Every route registered on this app, as registered (for the documentation check). */
    routeInventory: RouteRecord[];
  }
}

/** Operational endpoints that are deliberately undocumented and never routed by the gateway. */
export const INFRASTRUCTURE_ROUTES = ['/healthz', '/readyz', '/metrics', '/openapi.json'];

/**
 * Every route's schemas, as this service's OpenAPI 3.1 document at `/openapi.json`. The
 * gateway merges the services' documents into one at `/docs`. Register before any route.
 */
export const openapi = fp(
  async (app: FastifyInstance, options: { service: string; serveDocument?: boolean }) => {
    const inventory: RouteRecord[] = [];
    app.decorate('routeInventory', inventory);
    app.addHook('onRoute', (route) => {
      const methods = Array.isArray(route.method) ? route.method : [route.method];
      for (const method of methods) {
        inventory.push({
          method,
          url: route.url,
          hidden: Boolean((route.schema as { hide?: boolean } | undefined)?.hide),
        });
      }
    });
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        info: { title: `Switchyard ${options.service} service`, version: '1.0.0' },
        components: {
          securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' } },
        },
      },
    });
    if (options.serveDocument !== false) {
      app.get('/openapi.json', { schema: { hide: true }, logLevel: 'warn' }, async () =>
        app.swagger(),
      );
    }
  },
  { name: 'switchyard-openapi' },
);

const toOpenApiPath = (url: string) => url.replace(/:([A-Za-z0-9_]+)/g, '{$1}');

/**
 * Routes this app serves that its OpenAPI document does not describe: anything but the
 * infrastructure endpoints must be documented, so nothing undocumented is reachable.
 */
export function undocumentedRoutes(app: FastifyInstance): string[] {
  const paths = (app.swagger() as { paths?: Record<string, Record<string, unknown>> }).paths ?? {};
  return app.routeInventory
    .filter((r) => r.method !== 'HEAD' && !INFRASTRUCTURE_ROUTES.includes(r.url))
    .filter((r) => !paths[toOpenApiPath(r.url)]?.[r.method.toLowerCase()])
    .map((r) => `${r.method} ${r.url}${r.hidden ? ' (hidden)' : ''}`);
}
