import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { isCredentialRoute, type UpstreamRoute } from '../routes/route-table.js';

export type RateLimitPolicy = 'credentials' | 'per-user' | 'per-ip';

/**
 * Which limit a request counts against: the stricter per-IP one on endpoints that take a
 * password or client secret, otherwise one per signed-in user, or per IP when anonymous.
 */
export function rateLimitPolicyOf(
  request: FastifyRequest,
  routes: UpstreamRoute[],
): RateLimitPolicy {
  const prefix = (request.routeOptions.config as { proxyPrefix?: string }).proxyPrefix;
  const route = routes.find((r) => r.prefix === prefix);
  // The normalised path (app.ts rewrites every target before routing): an escaped letter does
  // not move a credential route to another budget.
  const path = request.url.split('?')[0] ?? '';
  if (route && isCredentialRoute(route, request.method, path)) return 'credentials';
  return request.identity ? 'per-user' : 'per-ip';
}

/**
 * @fastify/rate-limit speaks an earlier draft (RateLimit-Limit/-Remaining/-Reset). Clients
 * follow the IETF's current one, draft-ietf-httpapi-ratelimit-headers: two structured fields,
 *   RateLimit-Policy: "<policy>";q=<quota>;w=<window seconds>
 *   RateLimit: "<policy>";r=<remaining>;t=<seconds until reset>
 * This rewrites the first into the second on the way out. Retry-After stays on a 429.
 */
export const rateLimitHeaders = fp(
  async (app: FastifyInstance, options: { routes: UpstreamRoute[]; windowSeconds: number }) => {
    app.addHook('onSend', async (request, reply, payload) => {
      const limit = reply.getHeader('ratelimit-limit');
      if (limit === undefined) return payload;
      const remaining = reply.getHeader('ratelimit-remaining');
      const reset = reply.getHeader('ratelimit-reset');
      const policy = rateLimitPolicyOf(request, options.routes);
      reply.removeHeader('ratelimit-limit');
      reply.removeHeader('ratelimit-remaining');
      reply.removeHeader('ratelimit-reset');
      reply.header('ratelimit-policy', `"${policy}";q=${limit};w=${options.windowSeconds}`);
      reply.header('ratelimit', `"${policy}";r=${remaining};t=${reset}`);
      return payload;
    });
  },
  { name: 'switchyard-rate-limit-headers' },
);
