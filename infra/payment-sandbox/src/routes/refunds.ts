import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { createRefund } from '../domain/create-refund.js';
import { expand } from '../expand.js';
import { listPage } from '../list.js';
import type { SandboxCharge } from '../objects/charge.js';
import { readParams } from '../params.js';
import { causeOf } from '../request-context.js';
import { ListParams, RetrieveParams } from '../schemas/common.js';
import { CreateRefund } from '../schemas/refunds.js';
import { invalidRequest, rateLimited } from '../stripe-errors.js';
import type { IdParams, RouteOptions } from './route-options.js';

const ListRefunds = ListParams({
  payment_intent: Type.Optional(Type.String()),
  charge: Type.Optional(Type.String()),
});

/** `/v1/refunds`: refund a payment (all that is left, or part), retrieve, list. */
export async function refundRoutes(app: FastifyInstance, { sandbox, attemptOf }: RouteOptions) {
  /** The charge a refund is for: the payment intent's latest, or the one named. */
  const chargeToRefund = (params: { payment_intent?: string; charge?: string }): SandboxCharge => {
    if (params.charge) return sandbox.charge(params.charge, 'charge');
    if (!params.payment_intent)
      throw invalidRequest('One of `payment_intent` or `charge` is required.', {
        param: 'payment_intent',
        code: 'parameter_missing',
      });
    const intent = sandbox.paymentIntent(params.payment_intent, 'payment_intent');
    if (typeof intent.latest_charge !== 'string' || intent.status === 'processing')
      throw invalidRequest(
        `PaymentIntent ${intent.id} does not have a successful charge to refund.`,
        { code: 'charge_not_refundable', param: 'payment_intent' },
      );
    return sandbox.charge(intent.latest_charge);
  };

  app.post('/refunds', async (request) => {
    const params = readParams(CreateRefund, request.body);
    const charge = chargeToRefund(params);
    if (sandbox.testMethodOf(charge.payment_method).throttleRefunds && attemptOf(request) <= 2)
      throw rateLimited();
    const { refund, events } = createRefund(sandbox, {
      charge,
      ...(params.amount !== undefined ? { amount: params.amount } : {}),
      ...(params.metadata ? { metadata: params.metadata } : {}),
      ...(params.reason ? { reason: params.reason } : {}),
      cause: causeOf(request),
    });
    // A test helper: pretend this refund's webhooks got lost (reconciliation must find it).
    if (request.headers['sandbox-suppress-webhooks'] !== 'true')
      sandbox.publish(
        charge.payment_intent ? String(charge.payment_intent) : charge.id,
        events,
        sandbox.copiesFor(charge.payment_method),
      );
    return expand(sandbox, refund, params.expand);
  });

  app.get<IdParams>('/refunds/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    return expand(sandbox, sandbox.find<Stripe.Refund>('refund', request.params.id), params.expand);
  });

  app.get('/refunds', async (request) => {
    const params = readParams(ListRefunds, request.query);
    const all = sandbox.store
      .all<Stripe.Refund>('refund')
      .filter(
        (refund) =>
          (!params.payment_intent || refund.payment_intent === params.payment_intent) &&
          (!params.charge || refund.charge === params.charge),
      );
    return listPage(sandbox, all, params, '/v1/refunds');
  });
}
