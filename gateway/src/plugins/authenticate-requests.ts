import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import {
  AppError,
  authenticateRequest,
  identityOf,
  isDisabled,
  remoteKeySet,
} from '@switchyard/service-kit';
import { isPublic, type UpstreamRoute } from '../routes/route-table.js';

export interface AuthenticateRequestsOptions {
  routes: UpstreamRoute[];
  jwksUrl: string;
  jwksCooldownMs: number;
  issuer: string;
  audience: string;
}

/**
 * Every request to a non-public route must carry a valid access token; the gateway checks it
 * before any upstream sees the request (services check it again). The JWKS is cached and
 * refetched when a token names an unknown kid, so key rotation needs no restart.
 */
export const authenticateRequests = fp(
  async (app: FastifyInstance, options: AuthenticateRequestsOptions) => {
    const keys = remoteKeySet(options.jwksUrl, options.jwksCooldownMs);
    app.decorateRequest('identity', null);

    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? '/';
      const route = options.routes.find(
        (r) => path === r.prefix || path.startsWith(`${r.prefix}/`),
      );
      if (!route || isPublic(route, request.method, path)) return;
      await authenticateRequest(request, keys, options);
      // A disabled user's still-valid tokens stop here at once (auth keeps the denylist).
      if (await isDisabled(app.redis, identityOf(request).userId)) {
        throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
      }
    });
  },
  { name: 'switchyard-gateway-authentication', dependencies: ['switchyard-redis'] },
);
