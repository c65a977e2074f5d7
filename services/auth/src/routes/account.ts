import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '@switchyard/service-kit';
import { ProfileView, UpdateProfileBody } from '../schemas/profile.js';
import { getProfile } from '../users/get-profile.js';
import { updateProfile } from '../users/update-profile.js';

/** The signed-in customer's own account: only ever their own, taken from the token. */
export async function accountRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/account/profile',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'getProfile',
        summary: 'Your profile and billing address',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        response: { 200: ProfileView },
      },
    },
    async (request) => getProfile(app.db, userOf(request).userId),
  );

  app.put(
    '/v1/account/profile',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'updateProfile',
        summary: 'Replace your name and billing address',
        description:
          'Idempotent: the same body again changes nothing and announces nothing. A change is ' +
          'announced as user.profile_updated, from which billing addresses the next invoices.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        body: UpdateProfileBody,
        response: { 200: ProfileView },
      },
    },
    async (request) => {
      const { profile, changed } = await updateProfile(
        app.db,
        userOf(request).userId,
        request.body,
      );
      if (changed) app.messaging.relay.nudge();
      return profile;
    },
  );
}
