import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { auditOriginOf } from '@switchyard/audit';
import { AppError, problemResponse, userOf } from '@switchyard/service-kit';
import { asSignedInUser } from '../audit/actors.js';
import {
  ChangeEmailBody,
  EmailAccepted,
  EmailStatusView,
  VerifyEmailBody,
} from '../schemas/account.js';
import { EmailSendLimited } from '../security/email-send-limit.js';
import {
  confirmEmailVerification,
  getEmailStatus,
  requestEmailChange,
  requestEmailVerification,
} from '../users/email-verification.js';

/** The account's email address: its verification, and moving to a new one (verified first). */
export async function accountEmailRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const settings = () => ({
    ttlSeconds: app.tokens.emailVerificationTtlSeconds,
    sealing: app.resetTokenSealing,
  });

  /** Take one email from the caller's budget; a 429 says when to try again. */
  const limitEmails = async (
    userId: string,
    reply: { header: (name: string, value: string) => unknown },
  ) => {
    try {
      await app.emailSendLimit.take(userId);
    } catch (error) {
      if (error instanceof EmailSendLimited)
        reply.header('retry-after', String(error.retryAfterSeconds));
      throw error;
    }
  };

  app.get(
    '/v1/account/email',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'getEmailStatus',
        summary: 'Your email address and whether it is verified',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        response: { 200: EmailStatusView },
      },
    },
    async (request) => getEmailStatus(app.db, userOf(request).userId),
  );

  app.post(
    '/v1/account/email/verification',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'requestEmailVerification',
        summary: 'Email a link that verifies your address',
        description:
          'Sends a single-use link (valid EMAIL_VERIFICATION_TTL_SECONDS) to the account’s ' +
          'address; a new one voids the earlier. Limited per account (429 with Retry-After). ' +
          'After verifying, refresh the session: new access tokens say email_verified.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        response: { 202: EmailAccepted, 409: problemResponse, 429: problemResponse },
      },
    },
    async (request, reply) => {
      const { userId } = userOf(request);
      const status = await getEmailStatus(app.db, userId);
      if (status.verified) throw new AppError('CONFLICT', 'Your email address is verified');
      await limitEmails(userId, reply);
      await requestEmailVerification(app.db, userId, settings());
      app.messaging.relay.nudge();
      return reply.status(202).send({ status: 'accepted' as const, email: status.email });
    },
  );

  app.post(
    '/v1/account/email',
    {
      onRequest: [app.authenticate],
      schema: {
        operationId: 'changeEmail',
        summary: 'Move your account to a new email address',
        description:
          'Needs your current password. A link goes to the new address; the account moves ' +
          'when it is used (POST /v1/account/email/verify), and the old address is told then.',
        tags: ['account'],
        security: [{ bearerAuth: [] }],
        body: ChangeEmailBody,
        response: {
          202: EmailAccepted,
          401: problemResponse,
          409: problemResponse,
          422: problemResponse,
          429: problemResponse,
        },
      },
    },
    async (request, reply) => {
      const { userId } = userOf(request);
      await limitEmails(userId, reply);
      await requestEmailChange(
        app.db,
        {
          userId,
          password: request.body.password,
          newEmail: request.body.newEmail,
          by: asSignedInUser(request),
        },
        settings(),
      );
      app.messaging.relay.nudge();
      return reply
        .status(202)
        .send({ status: 'accepted' as const, email: request.body.newEmail.trim().toLowerCase() });
    },
  );

  app.post(
    '/v1/account/email/verify',
    {
      schema: {
        operationId: 'verifyEmail',
        summary: 'Verify an email address with the token from its link',
        description:
          'The token is the credential (no access token needed): it verifies the account’s ' +
          'address, or completes a change of address. It works once, before it expires.',
        tags: ['account'],
        security: [],
        body: VerifyEmailBody,
        response: { 200: EmailStatusView, 409: problemResponse, 422: problemResponse },
      },
    },
    async (request) => {
      const status = await confirmEmailVerification(
        app.db,
        request.body.token,
        auditOriginOf(request),
      );
      app.messaging.relay.nudge();
      return status;
    },
  );
}
