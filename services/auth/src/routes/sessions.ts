import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  cursorParam,
  encodeCursor,
  keysetPage,
  notFound,
  problemResponse,
  userOf,
} from '@switchyard/service-kit';
import { asSignedInUser } from '../audit/actors.js';
import {
  SessionList,
  SessionListQuery,
  SessionParams,
  SignedOut,
  SignOutAllQuery,
} from '../schemas/account.js';
import { listSessions } from '../sessions/list-sessions.js';
import { signOutSessions } from '../sessions/sign-out-sessions.js';

/** A person's own sessions (refresh-token families): see them, sign out one or all. */
export async function sessionRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const ttl = () => app.tokens.ttlSeconds;

  app.get(
    '/v1/account/sessions',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'listSessions',
        summary: 'Your signed-in sessions',
        description:
          'Each sign-in is a session until it is signed out or its refresh token expires: the ' +
          'device (user agent) and IP it signed in from, and when its token was last refreshed.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        querystring: SessionListQuery,
        response: { 200: SessionList },
      },
    },
    async (request) => {
      const { userId, sessionId } = userOf(request);
      const { limit, cursor } = request.query;
      const rows = await listSessions(app.db, userId, sessionId, {
        limit,
        after: cursorParam(cursor),
      });
      return keysetPage(rows, limit, (session) =>
        encodeCursor({ createdAt: new Date(session.lastUsedAt), id: session.id }),
      );
    },
  );

  app.delete(
    '/v1/account/sessions/:id',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'signOutSession',
        summary: 'Sign out one of your sessions',
        description: 'Its refresh token is revoked and its access tokens stop working at once.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        params: SessionParams,
        response: { 204: { type: 'null' }, 404: problemResponse },
      },
    },
    async (request, reply) => {
      const ended = await signOutSessions(app.db, app.redis, {
        userId: userOf(request).userId,
        only: request.params.id,
        accessTokenTtlSeconds: ttl(),
        by: asSignedInUser(request),
      });
      if (!ended) throw notFound('session');
      return reply.status(204).send();
    },
  );

  app.delete(
    '/v1/account/sessions',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'signOutAllSessions',
        summary: 'Sign out all your sessions',
        description: 'Every session, or every other one with keepCurrent=true.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        querystring: SignOutAllQuery,
        response: { 200: SignedOut },
      },
    },
    async (request) => {
      const { userId, sessionId } = userOf(request);
      const ended = await signOutSessions(app.db, app.redis, {
        userId,
        ...(request.query.keepCurrent && sessionId ? { keep: sessionId } : {}),
        accessTokenTtlSeconds: ttl(),
        by: asSignedInUser(request),
      });
      return { signedOut: ended?.length ?? 0 };
    },
  );
}
