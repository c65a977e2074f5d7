import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import { ProblemDetails as ProblemDetailsSchema } from '../problem.js';

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

interface RouteSchema {
  hide?: boolean;
  querystring?: unknown;
  params?: unknown;
  body?: unknown;
  security?: unknown[];
  response?: Record<string, unknown>;
}

/** A route's own error answer, declared as `problemResponse`: documented as problem+json. */
const isProblemRef = (response: unknown) =>
  (response as { $ref?: string } | undefined)?.$ref === 'ProblemDetails#';

/** Declare an error status a route answers that the generic list would not cover. */
export const problemResponse = { $ref: 'ProblemDetails#' } as const;

const problem = (description: string) => ({
  description,
  content: { 'application/problem+json': { schema: ProblemDetailsSchema } },
});

/**
 * Document the errors a route can answer with, as RFC 9457 problem+json, beside the answers it
 * declares itself (a route's own entry for a status wins): every route may be refused for bad
 * input (400), too many requests (429) or our own failure (500, 503); a secured route for a
 * missing or bad token (401) or a missing role or scope (403); a route with a path parameter
 * for what does not exist (404); one that takes a body for its size or type (413, 415) and
 * for a conflict with the current state (409) or a well-formed but impossible request (422).
 * Only the document changes; the route's own schemas still serialize its answers.
 */
export function withProblemResponses(schema: RouteSchema, method = 'GET'): RouteSchema {
  if (schema.hide) return schema;
  const errors: Record<string, unknown> = {
    400: problem('The request is not valid (the problem lists each field)'),
    429: problem('Too many requests; see Retry-After'),
    500: problem('Our failure; nothing about it is disclosed'),
    503: problem('Temporarily unavailable; retry later'),
  };
  if (schema.security?.length) {
    errors[401] = problem('A valid bearer access token is required');
    errors[403] = problem('The token lacks the role or scope this needs');
  }
  if (schema.params) errors[404] = problem('Not found (or not yours)');
  if (method !== 'GET' && method !== 'HEAD') {
    errors[409] = problem('Conflicts with the current state of the resource');
    errors[422] = problem('Well-formed, but cannot be done');
  }
  if (schema.body) {
    errors[413] = problem('The body is larger than the limit');
    errors[415] = problem('The body is not JSON');
  }
  const own = Object.fromEntries(
    Object.entries(schema.response ?? {}).map(([status, response]) => [
      status,
      isProblemRef(response) ? problem('See the problem detail') : response,
    ]),
  );
  return { ...schema, response: { ...errors, ...own } };
}

interface ObjectSchema {
  properties?: Record<string, { default?: unknown }>;
  required?: string[];
}

/**
 * A query parameter with a default need not be sent: the server fills the default in before it
 * checks what is required (Ajv's useDefaults). TypeBox lists such a property as required unless
 * it is also Optional, so without this the document (and the typed client generated from it)
 * would demand `limit` on every list. Only the document changes, as above.
 */
export function withDefaultedQueryOptional(schema: RouteSchema): RouteSchema {
  const query = schema.querystring as ObjectSchema | undefined;
  if (!query?.required || !query.properties) return schema;
  const required = query.required.filter((name) => query.properties?.[name]?.default === undefined);
  if (required.length === query.required.length) return schema;
  return { ...schema, querystring: { ...query, required } };
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
      transform: ({ schema, url, route }) => ({
        schema: (schema
          ? withProblemResponses(
              withDefaultedQueryOptional(schema as RouteSchema),
              String(route.method),
            )
          : schema) as typeof schema,
        url,
      }),
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
