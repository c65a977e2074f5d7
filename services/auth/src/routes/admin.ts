import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, notFound, requireRole, userOf } from '@switchyard/service-kit';
import { registerClient, toClientView } from '../oauth/machine-clients.js';
import { listUsers, updateUser } from '../users/admin-users.js';
import {
  AdminUserView,
  ClientList,
  RegisterClientBody,
  RegisteredClient,
  UpdateUserBody,
  UserIdParams,
  UserList,
  UserListQuery,
} from '../schemas/auth.js';

/** Administration: users and machine clients. Admin role checked here, on the server. */
export async function adminRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/auth/admin/users',
    {
      schema: {
        operationId: 'listUsers',
        summary: 'List users (admin)',
        tags: ['admin'],
        security,
        querystring: UserListQuery,
        response: { 200: UserList },
      },
    },
    async (request) => {
      return listUsers(app.db, request.query);
    },
  );

  app.patch(
    '/v1/auth/admin/users/:id',
    {
      schema: {
        operationId: 'updateUser',
        summary: "Change a user's roles, or disable them (admin)",
        tags: ['admin'],
        security,
        params: UserIdParams,
        body: UpdateUserBody,
        response: { 200: AdminUserView },
      },
    },
    async (request) => {
      if (request.params.id === userOf(request).userId && request.body.disabled) {
        throw new AppError('CONFLICT', 'An admin cannot disable their own account');
      }
      const user = await updateUser(app.db, app.redis, {
        userId: request.params.id,
        ...request.body,
        accessTokenTtlSeconds: app.tokens.ttlSeconds,
      });
      if (!user) throw notFound('user');
      return user;
    },
  );

  app.post(
    '/v1/auth/admin/clients',
    {
      schema: {
        operationId: 'createMachineClient',
        summary: 'Register a machine client (admin)',
        tags: ['admin'],
        security,
        body: RegisterClientBody,
        response: { 201: RegisteredClient },
      },
    },
    async (request, reply) => {
      const client = await registerClient(app.db, {
        ...request.body,
        createdBy: userOf(request).userId,
      });
      return reply.status(201).header('cache-control', 'no-store').send(client);
    },
  );

  app.get(
    '/v1/auth/admin/clients',
    {
      schema: {
        operationId: 'listMachineClients',
        summary: 'List machine clients (admin)',
        tags: ['admin'],
        security,
        response: { 200: ClientList },
      },
    },
    async () => ({
      items: (await app.db.oAuthClient.findMany({ orderBy: { createdAt: 'asc' } })).map(
        toClientView,
      ),
    }),
  );
}
