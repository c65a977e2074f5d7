import type { FastifyInstance } from 'fastify';
import { confirmSetupIntent } from '../domain/confirm-setup-intent.js';
import { resolvePaymentMethod } from '../domain/resolve-payment-method.js';
import { expand } from '../expand.js';
import { newSetupIntent } from '../objects/setup-intent.js';
import { readParams } from '../params.js';
import { baseUrlOf, causeOf } from '../request-context.js';
import { RetrieveParams } from '../schemas/common.js';
import { ConfirmSetupIntent, CreateSetupIntent } from '../schemas/setup-intents.js';
import type { IdParams, RouteOptions } from './route-options.js';

/** `/v1/setup_intents`: save a card for later (off-session) payments: create, confirm, retrieve. */
export async function setupIntentRoutes(app: FastifyInstance, { sandbox }: RouteOptions) {
  app.post('/setup_intents', async (request) => {
    const params = readParams(CreateSetupIntent, request.body);
    if (params.customer) sandbox.customer(params.customer, 'customer');
    const method = params.payment_method
      ? resolvePaymentMethod(sandbox, params.payment_method)
      : null;
    const intent = newSetupIntent({
      customer: params.customer ?? null,
      paymentMethod: method?.id ?? null,
      paymentMethodTypes: params.payment_method_types ?? ['card'],
      allowedPaymentMethodTypes: params.allowed_payment_method_types ?? null,
      usage: params.usage ?? 'off_session',
      description: params.description ?? null,
      metadata: params.metadata ?? {},
    });
    sandbox.store.save(intent);
    const cause = causeOf(request);
    sandbox.publish(intent.id, [sandbox.event('setup_intent.created', intent, cause)]);
    if (params.confirm)
      confirmSetupIntent(sandbox, intent, {
        cause,
        baseUrl: baseUrlOf(request),
        returnUrl: params.return_url ?? null,
      });
    return expand(sandbox, intent, params.expand);
  });

  app.get<IdParams>('/setup_intents/:id', async (request) => {
    const params = readParams(RetrieveParams, request.query);
    return expand(sandbox, sandbox.setupIntent(request.params.id), params.expand);
  });

  app.post<IdParams>('/setup_intents/:id/confirm', async (request) => {
    const params = readParams(ConfirmSetupIntent, request.body);
    const intent = sandbox.setupIntent(request.params.id);
    confirmSetupIntent(sandbox, intent, {
      cause: causeOf(request),
      ...(params.payment_method
        ? { paymentMethod: resolvePaymentMethod(sandbox, params.payment_method).id }
        : {}),
      baseUrl: baseUrlOf(request),
      returnUrl: params.return_url ?? null,
    });
    return expand(sandbox, intent, params.expand);
  });
}
