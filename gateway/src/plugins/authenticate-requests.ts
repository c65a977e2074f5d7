import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { createRemoteJWKSet, errors as joseErrors } from 'jose';
import { AppError, bearerToken, verifyAccessToken } from '@switchyard/service-kit';
import { isPublic, type UpstreamRoute } from '../routes/route-table.js';

export interface AuthenticateRequestsOptions {
  routes: UpstreamRoute[];
  jwksUrl: string;
  issuer: string;
  audience: string;
}

/**
 * Every request to a non-public route must carry a valid access token; the gateway checks it
 * before any upstream sees the request (services check it again). The JWKS is cached and
 * refetched when a token names an unknown kid (rate limited by the cooldown).
 */
export const authenticateRequests = fp(
  async (app: FastifyInstance, options: AuthenticateRequestsOptions) => {
    const keys = createRemoteJWKSet(new URL(options.jwksUrl), {
      cooldownDuration: 30_000,
      cacheMaxAge: 600_000,
    });
    app.decorateRequest('identity', null);

    app.addHook('onRequest', async (request) => {
      const path = request.url.split('?')[0] ?? '/';
      const route = options.routes.find(
        (r) => path === r.prefix || path.startsWith(`${r.prefix}/`),
      );
      if (!route || isPublic(route, request.method, path)) return;
      const token = bearerToken(request);
      if (!token) throw new AppError('UNAUTHENTICATED', 'A bearer access token is required');
      try {
        request.identity = await verifyAccessToken(token, keys, options);
      } catch (error) {
        if (error instanceof joseErrors.JWKSTimeout || !(error instanceof joseErrors.JOSEError)) {
          request.log.error({ err: error }, 'cannot verify access token: key set unavailable');
          throw new AppError('UNAVAILABLE', 'Token verification is temporarily unavailable');
        }
        throw new AppError('UNAUTHENTICATED', 'The access token is invalid or expired');
      }
    });
  },
  { name: 'switchyard-gateway-authentication' },
);
