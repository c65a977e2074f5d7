import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type Stripe from 'stripe';
import { cancelPaymentIntent } from '../domain/cancel-payment-intent.js';
import { capturePaymentIntent } from '../domain/capture-payment-intent.js';
import { confirmPaymentIntent } from '../domain/confirm-payment-intent.js';
import { resolvePaymentMethod } from '../domain/resolve-payment-method.js';
import { updatePaymentIntent } from '../domain/update-payment-intent.js';
import { expand } from '../expand.js';
import { listPage } from '../list.js';
import { misbehave } from '../misbehaviour.js';
import { newPaymentIntent } from '../objects/payment-intent.js';
import { readParams } from '../params.js';
import { arrivedMs, baseUrlOf, causeOf } from '../request-context.js';
import { ListParams, RetrieveParams } from '../schemas/common.js';
import {
  CancelPaymentIntent,
  CapturePaymentIntent,
  ConfirmPaymentIntent,
  CreatePaymentIntent,
  UpdatePaymentIntent,
} from '../schemas/payment-intents.js';
import { invalidRequest, unexpectedState } from '../stripe-errors.js';
import { testMethods } from '../test-methods.js';
import type { IdParams, RouteOptions } from './route-options.js';

/** Stripe confirms an intent again while it waits for a card, a confirmation or an action. */
const confirmable = new Set([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]);

const ListPaymentIntents = ListParams({ customer: Type.Optional(Type.String()) });

/** `/v1/payment_intents`: create (and confirm), retrieve, update, list, confirm, capture, cancel. */
export async function paymentIntentRoutes(app: FastifyInstance, options: RouteOptions) {
  const { sandbox, replay, attemptOf } = options;

  /** The test card a `payment_method` parameter stands for (a test id or a stored card). */
  const cardNamed = (id: string) => testMethods[id] ?? sandbox.testMethodOf(id);

  app.post('/payment_intents', async (request, reply) => {
    const requestedMs = arrivedMs(request, reply.elapsedTime);
    const params = readParams(CreatePaymentIntent, request.body);
    // Stripe: off_session says who is present *for this confirmation*, so only with confirm=true.
    if (params.off_session !== undefined && !params.confirm)
      throw invalidRequest('The parameter `off_session` can only be used when `confirm=true`.', {
        param: 'off_session',
      });
    if (params.confirm && params.payment_method) {
      const card = cardNamed(params.payment_method);
      if ((await misbehave(sandbox, card, attemptOf(request))) === 'redirect')
        return reply.redirect('/test_helpers/redirect_target', 307);
      // A retry may have been answered while this attempt hung.
      if (replay(request, reply)) return reply;
    }
    if (params.customer) sandbox.customer(params.customer, 'customer');
    const method = params.payment_method
      ? resolvePaymentMethod(sandbox, params.payment_method)
      : null;
    const intent = newPaymentIntent({
      amount: params.amount,
      currency: params.currency.toLowerCase(),
      customer: params.customer ?? null,
      paymentMethod: method?.id ?? null,
      paymentMethodTypes: params.payment_method_types ?? ['card'],
      allowedPaymentMethodTypes: params.allowed_payment_method_types ?? null,
      captureMethod: params.capture_method ?? 'automatic',
      setupFutureUsage: params.setup_future_usage ?? null,
      description: params.description ?? null,
      receiptEmail: params.receipt_email ?? null,
      metadata: params.metadata ?? {},
    });
    sandbox.store.save(intent);
    const cause = causeOf(request);
    sandbox.publish(
      intent.id,
      [sandbox.event('payment_intent.created', intent, cause)],
      sandbox.copiesFor(intent.payment_method as string | null),
    );
    if (params.confirm)
      confirmPaymentIntent(sandbox, intent, {
        cause,
        requestedMs,
        offSession: Boolean(params.off_session) || Boolean(params.error_on_requires_action),
        returnUrl: params.return_url ?? null,
        baseUrl: baseUrlOf(request),
      });
    return expand(sandbox, intent, params.expand);
  });

  app.get<IdParams>('/payment_intents/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    return expand(sandbox, sandbox.paymentIntent(request.params.id), params.expand);
  });

  app.post<IdParams>('/payment_intents/:id', async (request) => {
    const params = readParams(UpdatePaymentIntent, request.body);
    const intent = updatePaymentIntent(sandbox, sandbox.paymentIntent(request.params.id), params);
    return expand(sandbox, intent, params.expand);
  });

  app.get('/payment_intents', async (request) => {
    const params = readParams(ListPaymentIntents, request.query);
    const all = sandbox.store
      .all<Stripe.PaymentIntent>('payment_intent')
      .filter((intent) => !params.customer || intent.customer === params.customer);
    return listPage(sandbox, all, params, '/v1/payment_intents');
  });

  app.post<IdParams>('/payment_intents/:id/confirm', async (request, reply) => {
    const requestedMs = arrivedMs(request, reply.elapsedTime);
    const params = readParams(ConfirmPaymentIntent, request.body);
    const intent = sandbox.paymentIntent(request.params.id);
    const methodId = params.payment_method ?? intent.payment_method;
    if (typeof methodId === 'string') {
      if ((await misbehave(sandbox, cardNamed(methodId), attemptOf(request))) === 'redirect')
        return reply.redirect('/test_helpers/redirect_target', 307);
      if (replay(request, reply)) return reply;
    }
    if (!confirmable.has(intent.status))
      throw unexpectedState('PaymentIntent', intent.status, 'confirmed');
    if (params.payment_method)
      intent.payment_method = resolvePaymentMethod(sandbox, params.payment_method).id;
    if (params.setup_future_usage) intent.setup_future_usage = params.setup_future_usage;
    confirmPaymentIntent(sandbox, intent, {
      cause: causeOf(request),
      requestedMs,
      offSession: Boolean(params.off_session),
      returnUrl: params.return_url ?? null,
      baseUrl: baseUrlOf(request),
    });
    return expand(sandbox, intent, params.expand);
  });

  app.post<IdParams>('/payment_intents/:id/capture', async (request) => {
    const params = readParams(CapturePaymentIntent, request.body);
    const intent = sandbox.paymentIntent(request.params.id);
    capturePaymentIntent(sandbox, intent, params.amount_to_capture, causeOf(request));
    return expand(sandbox, intent, params.expand);
  });

  app.post<IdParams>('/payment_intents/:id/cancel', async (request) => {
    const params = readParams(CancelPaymentIntent, request.body);
    const intent = sandbox.paymentIntent(request.params.id);
    cancelPaymentIntent(sandbox, intent, params.cancellation_reason, causeOf(request));
    return expand(sandbox, intent, params.expand);
  });
}
