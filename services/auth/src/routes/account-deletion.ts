import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problemResponse, userOf } from '@switchyard/service-kit';
import { asSignedInUser } from '../audit/actors.js';
import { DeleteAccountBody } from '../schemas/account.js';
import { deleteAccount } from '../users/delete-account.js';

/** A person deletes their own account (docs/account-deletion.md says what every service does). */
export async function accountDeletionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.post(
    '/v1/account/deletion',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'deleteAccount',
        summary: 'Delete your account',
        description:
          'Needs your current password. Your personal data is erased or anonymised in every ' +
          'service (user.deleted); records the law requires (invoices, payments, orders’ ' +
          'amounts) are kept without it. Subscriptions are canceled. Your tokens stop at once.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        body: DeleteAccountBody,
        response: { 204: { type: 'null' }, 401: problemResponse },
      },
    },
    async (request, reply) => {
      await deleteAccount(app.db, app.redis, {
        userId: userOf(request).userId,
        password: request.body.password,
        accessTokenTtlSeconds: app.tokens.ttlSeconds,
        by: asSignedInUser(request),
      });
      app.messaging.relay.nudge();
      return reply.status(204).send();
    },
  );
}
