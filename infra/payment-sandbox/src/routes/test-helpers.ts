import type { FastifyInstance } from 'fastify';
import { completeAuthentication } from '../domain/complete-authentication.js';
import { settlePayment } from '../domain/settle-payment.js';
import { readParams } from '../params.js';
import { baseUrlOf, causeOf } from '../request-context.js';
import { AdvanceClock, OutcomeParams } from '../schemas/test-helpers.js';
import { resourceMissing } from '../stripe-errors.js';
import type { IdParams, RouteOptions } from './route-options.js';

/**
 * `/v1/test_helpers/…`: what a test steers that a real provider decides on its own — a
 * processing payment settling, a customer finishing 3-D Secure, time passing — and what it
 * inspects (every webhook delivery attempt, redirects followed).
 */
export async function testHelperRoutes(
  app: FastifyInstance,
  options: RouteOptions & { redirectTargetHits: () => number },
) {
  const { sandbox } = options;

  app.post<IdParams>('/test_helpers/payment_intents/:id/settle', async (request) => {
    const { outcome } = readParams(OutcomeParams, request.body);
    const intent = sandbox.paymentIntent(request.params.id);
    settlePayment(sandbox, intent, outcome, causeOf(request));
    return intent;
  });

  for (const kind of ['payment_intents', 'setup_intents'])
    app.post<IdParams>(`/test_helpers/${kind}/:id/authenticate`, async (request) => {
      const { outcome } = readParams(OutcomeParams, request.body);
      const { id } = request.params;
      if (!id.startsWith(kind === 'setup_intents' ? 'seti_' : 'pi_'))
        throw resourceMissing(kind.slice(0, -1), id);
      return completeAuthentication(sandbox, id, outcome, causeOf(request), baseUrlOf(request));
    });

  app.get('/test_helpers/webhook_deliveries', async () => ({
    object: 'list',
    data: sandbox.webhooks.deliveries,
    has_more: false,
    url: '/v1/test_helpers/webhook_deliveries',
  }));

  app.get('/test_helpers/clock', async () => {
    const now = sandbox.clock.now();
    return {
      object: 'sandbox_clock',
      now: Math.floor(now.getTime() / 1000),
      iso: now.toISOString(),
    };
  });

  app.post('/test_helpers/clock', async (request) => {
    sandbox.clock.advance(readParams(AdvanceClock, request.body).advance_seconds);
    const now = sandbox.clock.now();
    return {
      object: 'sandbox_clock',
      now: Math.floor(now.getTime() / 1000),
      iso: now.toISOString(),
    };
  });

  app.get('/test_helpers/redirect_target_hits', async () => ({
    hits: options.redirectTargetHits(),
  }));
}
