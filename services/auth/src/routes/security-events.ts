import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '@switchyard/service-kit';
import { SecurityEventList, SecurityEventQuery } from '../schemas/security-events.js';
import { listSecurityEvents } from '../users/list-security-events.js';

/** The signed-in person's own account's security events (its audit entries). */
export async function securityEventRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/me/security-events',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'listMySecurityEvents',
        summary: 'Your account’s security events, newest first',
        description:
          'Sign-ins (also failed ones, with the address and client they came from), sign-outs, ' +
          'a refresh token used twice, password changes and resets, and changes an admin made ' +
          'to your roles or account.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        querystring: SecurityEventQuery,
        response: { 200: SecurityEventList },
      },
    },
    async (request) => listSecurityEvents(app.db, userOf(request).userId, request.query),
  );
}
