import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { AppError, notFound, requireRole, userOf } from '@switchyard/service-kit';
import { asAdmin } from '../audit/actors.js';
import { listClients } from '../oauth/list-clients.js';
import { registerClient } from '../oauth/machine-clients.js';
import { revokeClient } from '../oauth/revoke-client.js';
import { rotateClientSecret } from '../oauth/rotate-client-secret.js';
import { listUsers, updateUser } from '../users/admin-users.js';
import { getUser } from '../users/get-user.js';
import {
  AdminUserView,
  ClientIdParams,
  ClientList,
  ClientListQuery,
  ClientView,
  RegisterClientBody,
  RegisteredClient,
  RotateClientSecretBody,
  RotatedClientSecret,
  UpdateUserBody,
  UserIdParams,
  UserList,
  UserListQuery,
} from '../schemas/auth.js';

export interface AdminRoutesOptions {
  /** Default overlap of a machine client's replaced secret (MACHINE_CLIENT_SECRET_OVERLAP_SECONDS). */
  clientSecretOverlapSeconds: number;
}

/** Administration: users and machine clients. Admin role checked here, on the server. */
export async function adminRoutes(
  fastify: FastifyInstance,
  options: AdminRoutesOptions,
): Promise<void> {
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

  app.get(
    '/v1/auth/admin/users/:id',
    {
      schema: {
        operationId: 'getUser',
        summary: 'One user, with their roles and whether they are disabled (admin)',
        tags: ['admin'],
        security,
        params: UserIdParams,
        response: { 200: AdminUserView },
      },
    },
    async (request) => {
      const user = await getUser(app.db, request.params.id);
      if (!user) throw notFound('user');
      return user;
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
        by: asAdmin(request),
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
        by: asAdmin(request),
      });
      return reply.status(201).header('cache-control', 'no-store').send(client);
    },
  );

  app.get(
    '/v1/auth/admin/clients',
    {
      schema: {
        operationId: 'listMachineClients',
        summary: 'List machine clients, oldest first (admin)',
        tags: ['admin'],
        security,
        querystring: ClientListQuery,
        response: { 200: ClientList },
      },
    },
    async (request) => listClients(app.db, request.query),
  );

  app.post(
    '/v1/auth/admin/clients/:clientId/revoke',
    {
      schema: {
        operationId: 'revokeMachineClient',
        summary:
          'Revoke a machine client for ever: no new token, its live tokens refused at once (admin)',
        tags: ['admin'],
        security,
        params: ClientIdParams,
        response: { 200: ClientView },
      },
    },
    async (request) => {
      const revoked = await revokeClient(app.db, app.redis, {
        clientId: request.params.clientId,
        by: asAdmin(request),
        accessTokenTtlSeconds: app.tokens.ttlSeconds,
      });
      if (!revoked) throw notFound('machine client');
      if (revoked.denylistError)
        request.log.warn(
          { err: revoked.denylistError, clientId: revoked.client.clientId },
          'machine client revoked; its denylist entry is written when Redis is back',
        );
      return revoked.client;
    },
  );

  app.post(
    '/v1/auth/admin/clients/:clientId/rotate-secret',
    {
      schema: {
        operationId: 'rotateMachineClientSecret',
        summary:
          'Give a machine client a new secret; the replaced one is still accepted during the overlap (admin)',
        tags: ['admin'],
        security,
        params: ClientIdParams,
        body: RotateClientSecretBody,
        response: { 200: RotatedClientSecret },
      },
      // The body is optional: an empty POST rotates with the configured overlap.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request, reply) => {
      const rotated = await rotateClientSecret(app.db, {
        clientId: request.params.clientId,
        by: asAdmin(request),
        overlapSeconds: request.body.overlapSeconds ?? options.clientSecretOverlapSeconds,
      });
      if (!rotated) throw notFound('machine client');
      return reply.header('cache-control', 'no-store').send(rotated.client);
    },
  );
}
