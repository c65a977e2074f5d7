import type { FastifyInstance } from 'fastify';
import { newId } from '../ids.js';

/**
 * Stripe's `Request-Id: req_…` on every answer of the app it is added to (call it on the root
 * instance before any route): what the SDK shows as `requestId`, and each event's `request.id`.
 */
export function addRequestIds(app: FastifyInstance): void {
  app.decorateRequest('stripeRequestId', '');
  app.addHook('onRequest', async (request, reply) => {
    request.stripeRequestId = newId('req');
    reply.header('request-id', request.stripeRequestId);
  });
}
