import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  AppError,
  authenticateRequest,
  identityOf,
  invalidToken,
  isDisabled,
  remoteKeySet,
  VerifiedTokens,
} from '@switchyard/service-kit';
import { checkRequestTarget } from '../routes/request-target.js';
import { isPublic, type UpstreamRoute } from '../routes/route-table.js';

export interface AuthenticateRequestsOptions {
  routes: UpstreamRoute[];
  jwksUrl: string;
  jwksCooldownMs: number;
  issuer: string;
  audience: string;
}

/** The gateway's own routes that need no token (everything else it serves does). */
const OWN_PUBLIC_ROUTES = new Set(['/healthz', '/readyz']);
const isOwnPublicRoute = (url: string) =>
  OWN_PUBLIC_ROUTES.has(url) || url === '/docs' || url.startsWith('/docs/');

/** The proxy route a request matched (set on each proxy's route config), if any. */
const proxyPrefixOf = (request: FastifyRequest) =>
  (request.routeOptions.config as { proxyPrefix?: string } | undefined)?.proxyPrefix;

/**
 * Deny by default. The request target is checked once (anything another parser could read
 * differently is a 400), then the decision is made on the route the router matched and on the
 * normalised path — the one that will be proxied — never on the string as sent: a request that
 * matched a proxy route needs a valid token unless that exact method and path are listed as
 * public.
 * The JWKS is cached and refetched when a token names an unknown kid, so key rotation needs
 * no restart. A disabled user's tokens are refused here at once (auth keeps the denylist);
 * services refuse them too.
 */
export const authenticateRequests = fp(
  async (app: FastifyInstance, options: AuthenticateRequestsOptions) => {
    const keys = remoteKeySet(options.jwksUrl, options.jwksCooldownMs);
    const verified = new VerifiedTokens();
    const byPrefix = new Map(options.routes.map((r) => [r.prefix, r]));
    app.decorateRequest('identity', null);

    app.addHook('onRequest', async (request) => {
      // The target as sent; its normalised path is the one the router matched and will proxy.
      const target = checkRequestTarget(request.originalUrl);
      if (!target.ok) throw new AppError('BAD_REQUEST', target.reason);
      const matched = request.routeOptions.url;
      if (matched === undefined) return; // no route: the 404 handler answers
      const prefix = proxyPrefixOf(request);
      const route = prefix === undefined ? undefined : byPrefix.get(prefix);
      if (route ? isPublic(route, request.method, target.path) : isOwnPublicRoute(matched)) return;
      await authenticateRequest(request, keys, { ...options, verified });
      let disabled: boolean;
      try {
        disabled = await isDisabled(app.redis, identityOf(request).userId);
      } catch (error) {
        // Fail closed: without the denylist the gateway cannot tell a disabled account.
        request.log.error({ err: error }, 'cannot read the disabled-user denylist');
        throw new AppError('UNAVAILABLE', 'Account status cannot be checked right now');
      }
      if (disabled) throw invalidToken();
    });
  },
  { name: 'switchyard-gateway-authentication', dependencies: ['switchyard-redis'] },
);
