import type { FastifyError, FastifyInstance } from 'fastify';
import { StripeApiError, invalidRequest, unknownApiError } from '../stripe-errors.js';

/**
 * Stripe's wire conventions for the routes registered in this scope: the secret key required
 * (`Authorization: Bearer …`), and every error as `{ error: { type, code?, message, … } }` with
 * Stripe's status (5xx details stay here). Request ids come from request-ids.ts.
 */
export async function stripeWire(app: FastifyInstance, options: { apiKey: string }): Promise<void> {
  app.addHook('onRequest', async (request) => {
    if (request.headers.authorization !== `Bearer ${options.apiKey}`)
      throw new StripeApiError(401, {
        type: 'invalid_request_error',
        message:
          'Invalid API Key provided. Pass your secret key in the Authorization header as ' +
          '`Authorization: Bearer <key>`.',
      });
  });

  app.setErrorHandler((error: FastifyError, request, reply) => {
    let failure: StripeApiError;
    if (error instanceof StripeApiError) failure = error;
    else if (error.validation || (error.statusCode && error.statusCode < 500))
      failure = invalidRequest(error.message, { status: error.statusCode ?? 400 });
    else failure = unknownApiError();
    if (failure.status >= 500 && !(error instanceof StripeApiError))
      request.log.error({ err: error }, 'request failed');
    // Say when to come back: after a second from a 429 (as Stripe), after two from a 503 (as
    // the sandbox always has, which clients' backoff is tuned to).
    if (failure.status === 429) reply.header('retry-after', '1');
    if (failure.status === 503) reply.header('retry-after', '2');
    return reply.status(failure.status).type('application/json').send({ error: failure.body });
  });

  app.setNotFoundHandler((request, reply) =>
    reply.status(404).send({
      error: {
        type: 'invalid_request_error',
        message: `Unrecognized request URL (${request.method}: ${request.url.split('?')[0]}).`,
      },
    }),
  );
}
