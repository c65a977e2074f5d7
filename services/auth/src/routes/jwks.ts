import type { FastifyInstance } from 'fastify';
import { Jwks } from '../schemas/auth.js';

/** The public signing keys, for the gateway, the services and any OIDC library. */
export async function jwksRoutes(app: FastifyInstance): Promise<void> {
  app.get(
    '/.well-known/jwks.json',
    {
      schema: {
        operationId: 'getJwks',
        security: [],
        summary: 'Public keys that verify access tokens (JWKS)',
        tags: ['auth'],
        response: { 200: Jwks },
      },
    },
    async (_request, reply) => {
      reply.header('cache-control', 'public, max-age=300');
      return app.keys.jwks();
    },
  );
}
