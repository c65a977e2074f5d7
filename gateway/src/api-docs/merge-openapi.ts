import { ProblemDetails } from '@switchyard/service-kit';
import type { UpstreamRoute } from '../routes/route-table.js';
import { gatewayOperations } from './gateway-operations.js';

// RFC 9457 problem details, as every service and the gateway answer errors ($id dropped: the
// document names it by its components key).
const { $id: _id, ...problemDetailsSchema } = JSON.parse(JSON.stringify(ProblemDetails)) as {
  $id?: string;
};

export interface OpenApiDocument {
  openapi?: string;
  info?: Record<string, unknown>;
  servers?: { url: string; description?: string }[];
  paths?: Record<string, Record<string, unknown>>;
  components?: { schemas?: Record<string, unknown>; securitySchemes?: Record<string, unknown> };
  tags?: { name: string }[];
}

const underPrefix = (path: string, prefix: string) =>
  path === prefix || path.startsWith(`${prefix}/`);

// Every problem+json answer, the services' and the gateway's own, references one schema.
const PROBLEM_REF = { $ref: '#/components/schemas/ProblemDetails' };
const PROBLEM_MEDIA = 'application/problem+json';

const gatewayProblem = (description: string) => ({
  description,
  content: { [PROBLEM_MEDIA]: { schema: PROBLEM_REF } },
});

/** Replace each operation's inline problem+json schema by the shared one. */
function shareProblemSchema(item: Record<string, unknown>): Record<string, unknown> {
  for (const operation of Object.values(item)) {
    const responses = (operation as { responses?: Record<string, unknown> }).responses ?? {};
    for (const response of Object.values(responses)) {
      const media = (response as { content?: Record<string, { schema?: unknown }> }).content?.[
        PROBLEM_MEDIA
      ];
      if (media) media.schema = PROBLEM_REF;
    }
  }
  return item;
}

/** What the gateway itself may answer for any routed operation, beside the service's answers. */
function withGatewayResponses(item: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [method, operation] of Object.entries(item)) {
    const op = operation as { responses?: Record<string, unknown> };
    out[method] = {
      ...op,
      responses: {
        414: gatewayProblem('The request target is too long'),
        429: gatewayProblem('Too many requests; see Retry-After and RateLimit headers'),
        431: gatewayProblem('The request header fields are too large'),
        502: gatewayProblem('The service answered unexpectedly'),
        503: gatewayProblem('The service is unavailable (circuit open); see Retry-After'),
        504: gatewayProblem('The service did not answer in time'),
        ...op.responses,
      },
    };
  }
  return out;
}

/**
 * One public OpenAPI 3.1 document from the services' own: only the paths the gateway routes
 * to that service (so internal routes never appear), with their schemas and tags. Services
 * come in the route table's order, not the order their documents arrived in, so the same
 * documents always make the same document (the typed client is generated from it).
 */
export function mergeOpenApi(
  documents: { service: string; document: OpenApiDocument }[],
  routes: UpstreamRoute[],
): OpenApiDocument {
  const services = [...new Set(routes.map((r) => r.service))];
  const inRouteOrder = [...documents].sort(
    (a, b) => services.indexOf(a.service) - services.indexOf(b.service),
  );
  const paths: Record<string, Record<string, unknown>> = {};
  const schemas: Record<string, unknown> = {};
  const securitySchemes: Record<string, unknown> = {};
  const tags: { name: string }[] = [];
  const tagNames = new Set<string>();
  for (const { service, document } of inRouteOrder) {
    const prefixes = routes.filter((r) => r.service === service).map((r) => r.prefix);
    for (const [path, item] of Object.entries(document.paths ?? {})) {
      if (prefixes.some((p) => underPrefix(path, p)))
        paths[path] = shareProblemSchema(withGatewayResponses(item));
    }
    Object.assign(schemas, document.components?.schemas ?? {});
    Object.assign(securitySchemes, document.components?.securitySchemes ?? {});
    for (const tag of document.tags ?? []) {
      if (!tagNames.has(tag.name)) tags.push(tag);
      tagNames.add(tag.name);
    }
  }
  for (const [path, item] of Object.entries(gatewayOperations()))
    paths[path] = shareProblemSchema(withGatewayResponses(item));
  return {
    openapi: '3.1.0',
    info: {
      title: 'Switchyard API',
      version: '1.0.0',
      description:
        'The public API of the Switchyard commerce platform, served through its gateway.',
    },
    // Relative: the API is wherever this document was fetched from (the gateway's origin).
    servers: [{ url: '/', description: 'this gateway' }],
    paths,
    components: { schemas: { ...schemas, ProblemDetails: problemDetailsSchema }, securitySchemes },
    tags,
  };
}
