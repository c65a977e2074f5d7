import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import {
  AppError,
  authenticateRequest,
  denylistIncomplete,
  denylistReport,
  identityOf,
  invalidToken,
  remoteKeySet,
  VerifiedTokens,
  type DenylistStatus,
} from '@switchyard/service-kit';
import { checkRequestTarget } from '../routes/request-target.js';
import { isPublic, matchesRouteList, type UpstreamRoute } from '../routes/route-table.js';

export interface AuthenticateRequestsOptions {
  routes: UpstreamRoute[];
  jwksUrl: string;
  jwksCooldownMs: number;
  issuer: string;
  audience: string;
  /**
   * What an account whose email is not verified may not do (UNVERIFIED_ACCOUNT_DENIED_ROUTES:
   * "METHOD /path" entries as in the route table): a 403 until they verify it.
   */
  unverifiedDeniedRoutes: string[];
}

/**
 * The gateway's own routes that need no token (everything else it serves does): probes, the
 * API docs and the staff console's files (the console signs in through the API).
 */
const OWN_PUBLIC_ROUTES = new Set(['/healthz', '/readyz']);
const OWN_PUBLIC_PAGES = ['/docs', '/admin'];
const isOwnPublicRoute = (url: string) =>
  OWN_PUBLIC_ROUTES.has(url) ||
  OWN_PUBLIC_PAGES.some((page) => url === page || url.startsWith(`${page}/`));

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
 * services refuse them too. The list is held in memory while it is known complete
 * (DenylistCache: changes arrive over pub/sub, read again in full every few seconds), so a
 * request costs no Redis read for it; otherwise each request reads Redis, as before.
 * The denylist is trusted only with auth's sync marker beside it:
 * without it (Redis lost its data while auth was down) every authenticated request is a 503
 * with Retry-After; routes that need no token keep working.
 */
export const authenticateRequests = fp(
  async (app: FastifyInstance, options: AuthenticateRequestsOptions) => {
    const keys = remoteKeySet(options.jwksUrl, options.jwksCooldownMs);
    const verified = new VerifiedTokens();
    const byPrefix = new Map(options.routes.map((r) => [r.prefix, r]));
    app.decorateRequest('identity', null);

    app.addHook('onRequest', async (request, reply) => {
      // The target as sent; its normalised path is the one the router matched and will proxy.
      const target = checkRequestTarget(request.originalUrl);
      if (!target.ok) throw new AppError('BAD_REQUEST', target.reason);
      const matched = request.routeOptions.url;
      if (matched === undefined) return; // no route: the 404 handler answers
      const prefix = proxyPrefixOf(request);
      const route = prefix === undefined ? undefined : byPrefix.get(prefix);
      if (route ? isPublic(route, request.method, target.path) : isOwnPublicRoute(matched)) return;
      await authenticateRequest(request, keys, { ...options, verified });
      let status: DenylistStatus;
      try {
        const { userId, sessionId } = identityOf(request);
        status = await app.denylist.status(userId, sessionId);
      } catch (error) {
        // Fail closed: without the denylist the gateway cannot tell a disabled account.
        request.log.error({ err: error }, 'cannot read the disabled-user denylist');
        throw denylistIncomplete(reply);
      }
      if (status === 'disabled') throw invalidToken();
      if (status === 'unknown') {
        // Redis lost its data and auth has not written the list again (it is down): an empty
        // list is no evidence, so fail closed here too until auth's sync writes the marker.
        request.log.error(
          'disabled-user denylist not synced since Redis lost its data: 503 until auth writes it',
        );
        throw denylistIncomplete(reply);
      }
      // Only a token that says so is unverified (tokens issued before the claim pass).
      if (
        identityOf(request).emailVerified === false &&
        matchesRouteList(options.unverifiedDeniedRoutes, request.method, target.path)
      ) {
        throw new AppError(
          'FORBIDDEN',
          'Verify your email address first: POST /v1/account/email/verification sends the link',
        );
      }
    });
    app.addStatusReport(() => denylistReport(app.redis));
  },
  {
    name: 'switchyard-gateway-authentication',
    dependencies: ['switchyard-redis', 'switchyard-denylist-cache'],
  },
);
