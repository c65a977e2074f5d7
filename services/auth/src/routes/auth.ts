import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { auditOriginOf } from '@switchyard/audit';
import { AppError, notFound, problemResponse, userOf } from '@switchyard/service-kit';
import { denySessions } from '../sessions/sign-out-sessions.js';
import { asSignedInUser } from '../audit/actors.js';
import { signAccessToken } from '../tokens/access-token.js';
import {
  FIRST_PARTY_CLIENT,
  InvalidRefreshToken,
  revokeByToken,
  rotateRefreshToken,
} from '../tokens/refresh-tokens.js';
import { startSession } from '../tokens/start-session.js';
import { LoginThrottled } from '../security/login-throttle.js';
import { authenticateUser } from '../users/authenticate-user.js';
import { changePassword } from '../users/change-password.js';
import { confirmPasswordReset, requestPasswordReset } from '../users/password-reset.js';
import { registerUser } from '../users/register-user.js';
import { toUserView } from '../users/user-view.js';
import {
  Accepted,
  ChangePasswordBody,
  LoginBody,
  RefreshBody,
  RegisterBody,
  ResetConfirmBody,
  ResetRequestBody,
  TokenPair,
  UserView,
} from '../schemas/auth.js';

export async function authRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const { tokens } = app;

  const tokenPair = async (
    user: { id: string; roles: string[]; emailVerifiedAt: Date | null },
    session: { refreshToken: string; sessionId: string },
  ) => ({
    tokenType: 'Bearer' as const,
    accessToken: await signAccessToken(app.keys, tokens, {
      subject: user.id,
      roles: user.roles,
      clientId: FIRST_PARTY_CLIENT,
      sessionId: session.sessionId,
      emailVerified: user.emailVerifiedAt !== null,
    }),
    expiresIn: tokens.ttlSeconds,
    refreshToken: session.refreshToken,
  });

  app.post(
    '/v1/auth/register',
    {
      schema: {
        operationId: 'register',
        security: [],
        summary: 'Create an account',
        tags: ['auth'],
        body: RegisterBody,
        response: { 201: UserView },
      },
    },
    async (request, reply) => {
      const user = await registerUser(app.db, request.body, auditOriginOf(request));
      app.messaging.relay.nudge();
      return reply.status(201).send(user);
    },
  );

  app.post(
    '/v1/auth/login',
    {
      schema: {
        operationId: 'logIn',
        security: [],
        summary: 'Sign in with email and password',
        tags: ['auth'],
        body: LoginBody,
        response: { 200: TokenPair, 401: problemResponse },
      },
    },
    async (request, reply) => {
      const { email, password } = request.body;
      try {
        await app.loginThrottle.beginAttempt(email, request.ip);
      } catch (error) {
        if (!(error instanceof LoginThrottled)) throw error;
        reply.header('retry-after', String(error.retryAfterSeconds));
        throw new AppError('RATE_LIMITED', 'Too many failed sign-in attempts; try again later');
      }
      // A wrong password keeps the point it took (and is recorded); a right one gives it back.
      const origin = auditOriginOf(request);
      const user = await authenticateUser(app.db, email, password, origin);
      await app.loginThrottle.succeeded(email, request.ip);
      const session = await startSession(app.db, {
        userId: user.id,
        ttlSeconds: tokens.refreshTtlSeconds,
        origin,
      });
      return tokenPair(user, session);
    },
  );

  app.post(
    '/v1/auth/refresh',
    {
      schema: {
        operationId: 'refreshSession',
        security: [],
        summary: 'Exchange a refresh token for new tokens',
        tags: ['auth'],
        body: RefreshBody,
        response: { 200: TokenPair, 401: problemResponse },
      },
    },
    async (request) => {
      const rotated = await rotateRefreshToken(app.db, {
        token: request.body.refreshToken,
        clientId: FIRST_PARTY_CLIENT,
        ttlSeconds: tokens.refreshTtlSeconds,
        origin: auditOriginOf(request),
      });
      const user = await app.db.user.findUnique({ where: { id: rotated.userId } });
      if (!user || user.disabled) throw new InvalidRefreshToken();
      return tokenPair(user, {
        refreshToken: rotated.refreshToken,
        sessionId: rotated.familyId,
      });
    },
  );

  app.post(
    '/v1/auth/logout',
    {
      schema: {
        operationId: 'logOut',
        security: [],
        summary: "End a refresh token's session",
        tags: ['auth'],
        body: RefreshBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await revokeByToken(app.db, request.body.refreshToken, auditOriginOf(request));
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1/auth/me',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'getCurrentUser',
        summary: 'The signed-in user',
        tags: ['auth'],
        security: [{ bearerAuth: [] }],
        response: { 200: UserView },
      },
    },
    async (request) => {
      const user = await app.db.user.findUnique({ where: { id: userOf(request).userId } });
      if (!user) throw notFound('user');
      return toUserView(user);
    },
  );

  app.post(
    '/v1/auth/password',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'changePassword',
        summary: 'Change your password',
        tags: ['auth'],
        security: [{ bearerAuth: [] }],
        body: ChangePasswordBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const { userId, sessionId } = userOf(request);
      const signedOut = await changePassword(
        app.db,
        { userId, currentSessionId: sessionId, ...request.body },
        asSignedInUser(request),
      );
      await denySessions(app.redis, signedOut, tokens.ttlSeconds);
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/auth/password-reset',
    {
      schema: {
        operationId: 'requestPasswordReset',
        security: [],
        summary: 'Email a password-reset token',
        tags: ['auth'],
        body: ResetRequestBody,
        response: { 202: Accepted },
      },
    },
    async (request, reply) => {
      // Same answer whether or not the email exists.
      const sealing = app.resetTokenSealing;
      const ttlSeconds = tokens.passwordResetTtlSeconds;
      const origin = auditOriginOf(request);
      if (await requestPasswordReset(app.db, request.body.email, { ttlSeconds, sealing, origin })) {
        app.messaging.relay.nudge();
      }
      return reply.status(202).send({ status: 'accepted' as const });
    },
  );

  app.post(
    '/v1/auth/password-reset/confirm',
    {
      schema: {
        operationId: 'resetPassword',
        security: [],
        summary: 'Set a new password with a reset token',
        tags: ['auth'],
        body: ResetConfirmBody,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      await confirmPasswordReset(
        app.db,
        request.body.token,
        request.body.newPassword,
        auditOriginOf(request),
      );
      return reply.status(204).send();
    },
  );
}
