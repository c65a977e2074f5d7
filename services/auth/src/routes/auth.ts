import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { identityOf, notFound } from '@switchyard/service-kit';
import { signAccessToken } from '../tokens/access-token.js';
import { issueRefreshToken, revokeByToken, rotateRefreshToken } from '../tokens/refresh-tokens.js';
import { authenticateUser } from '../users/authenticate-user.js';
import { registerUser } from '../users/register-user.js';
import { toUserView } from '../users/user-view.js';
import { LoginBody, RefreshBody, RegisterBody, TokenPair, UserView } from '../schemas/auth.js';
import { AppError } from '@switchyard/service-kit';

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { tokens } = app;

  const tokenPair = async (user: { id: string; roles: string[] }, refreshToken: string) => ({
    tokenType: 'Bearer' as const,
    accessToken: await signAccessToken(app.keys, tokens, user),
    expiresIn: tokens.ttlSeconds,
    refreshToken,
  });

  app.post(
    '/v1/auth/register',
    { schema: { tags: ['auth'], body: RegisterBody, response: { 201: UserView } } },
    async (request, reply) => {
      const user = await registerUser(app.db, request.body);
      app.messaging.relay.nudge();
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/v1/auth/login',
    { schema: { tags: ['auth'], body: LoginBody, response: { 200: TokenPair } } },
    async (request) => {
      const user = await authenticateUser(app.db, request.body.email, request.body.password);
      const refreshToken = await issueRefreshToken(app.db, {
        userId: user.id,
        ttlSeconds: tokens.refreshTtlSeconds,
      });
      return tokenPair(user, refreshToken);
    },
  );

  app.post(
    '/v1/auth/refresh',
    { schema: { tags: ['auth'], body: RefreshBody, response: { 200: TokenPair } } },
    async (request) => {
      const rotated = await rotateRefreshToken(
        app.db,
        request.body.refreshToken,
        tokens.refreshTtlSeconds,
      );
      const user = await app.db.user.findUnique({ where: { id: rotated.userId } });
      if (!user || user.disabled)
        throw new AppError('UNAUTHENTICATED', 'The refresh token is invalid or expired');
      return tokenPair(user, rotated.refreshToken);
    },
  );

  app.post(
    '/v1/auth/logout',
    { schema: { tags: ['auth'], body: RefreshBody, response: { 204: { type: 'null' } } } },
    async (request, reply) => {
      await revokeByToken(app.db, request.body.refreshToken);
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1/auth/me',
    { onRequest: [app.authenticate], schema: { tags: ['auth'], response: { 200: UserView } } },
    async (request) => {
      const user = await app.db.user.findUnique({ where: { id: identityOf(request).userId } });
      if (!user) throw notFound('user');
      return toUserView(user);
    },
  );
}
