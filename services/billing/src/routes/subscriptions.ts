import { createHash } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerContextOf } from '@switchyard/audit';
import { notFound, userOf } from '@switchyard/service-kit';
import type { BillingClock } from '../clock/billing-clock.js';
import {
  CancelBody,
  ChangePlanBody,
  ChangePlanResult,
  IdempotencyHeaders,
  IdParams,
  SubscribeBody,
  SubscriptionList,
  SubscriptionListQuery,
  SubscriptionView,
  UpdateSubscriptionBody,
} from '../schemas/billing.js';
import { cancelSubscription } from '../subscriptions/cancel.js';
import { changePlan } from '../subscriptions/change-plan.js';
import { subscribe } from '../subscriptions/subscribe.js';
import { findSubscription, listSubscriptions } from '../subscriptions/subscription-view.js';
import { updatePaymentMethod } from '../subscriptions/update-method.js';

export interface SubscriptionRoutesOptions {
  clock: BillingClock;
  /** After a commit that wrote events: wake the outbox relay. */
  committed: () => void;
}

const hashOf = (body: unknown) => createHash('sha256').update(JSON.stringify(body)).digest('hex');

/** A customer's own subscriptions: subscribe, see, change the card or the plan, cancel. */
export async function subscriptionRoutes(
  fastify: FastifyInstance,
  options: SubscriptionRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];
  const { clock, committed } = options;
  const view = async (id: string, ownerId: string) => {
    const found = await findSubscription(app.db, id, ownerId);
    if (!found) throw notFound('subscription');
    return found;
  };

  app.post(
    '/v1/subscriptions',
    {
      schema: {
        operationId: 'subscribe',
        summary: 'Subscribe to a plan with a saved payment method',
        tags: ['billing'],
        security,
        headers: IdempotencyHeaders,
        body: SubscribeBody,
        response: { 201: SubscriptionView },
      },
    },
    async (request, reply) => {
      const { userId } = userOf(request);
      const result = await subscribe(app.db, {
        userId,
        planId: request.body.planId,
        paymentMethod: request.body.paymentMethod,
        now: await clock.now(),
        idempotencyKey: request.headers['idempotency-key'],
        // Key order is the schema's (planId, paymentMethod): the same body hashes the same.
        requestHash: hashOf([request.body.planId, request.body.paymentMethod]),
        by: callerContextOf(request),
      });
      if (result.replayed) reply.header('idempotent-replayed', 'true');
      else committed();
      return reply
        .code(201)
        .header('location', `/v1/subscriptions/${result.id}`)
        .send(await view(result.id, userId));
    },
  );

  app.get(
    '/v1/subscriptions',
    {
      schema: {
        operationId: 'listSubscriptions',
        summary: 'My subscriptions, newest first',
        tags: ['billing'],
        security,
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionList },
      },
    },
    async (request) =>
      listSubscriptions(app.db, { ...request.query, ownerId: userOf(request).userId }),
  );

  app.get(
    '/v1/subscriptions/:id',
    {
      schema: {
        operationId: 'getSubscription',
        summary: 'One of my subscriptions: status, period, next renewal, invoices, timeline',
        tags: ['billing'],
        security,
        params: IdParams,
        response: { 200: SubscriptionView },
      },
    },
    async (request) => view(request.params.id, userOf(request).userId),
  );

  app.patch(
    '/v1/subscriptions/:id',
    {
      schema: {
        operationId: 'updateSubscription',
        summary: 'Pay with another saved method (a past-due subscription is retried at once)',
        tags: ['billing'],
        security,
        params: IdParams,
        body: UpdateSubscriptionBody,
        response: { 200: SubscriptionView },
      },
    },
    async (request) => {
      const { userId } = userOf(request);
      const result = await updatePaymentMethod(app.db, {
        subscriptionId: request.params.id,
        ownerId: userId,
        paymentMethod: request.body.paymentMethod,
        actor: `user:${userId}`,
        now: await clock.now(),
        by: callerContextOf(request),
      });
      if (!result.found) throw notFound('subscription');
      if (result.retried) committed();
      return view(request.params.id, userId);
    },
  );

  app.post(
    '/v1/subscriptions/:id/cancel',
    {
      schema: {
        operationId: 'cancelSubscription',
        summary: 'Cancel at the end of the period, or now with a prorated credit',
        tags: ['billing'],
        security,
        params: IdParams,
        body: CancelBody,
        response: { 200: SubscriptionView },
      },
    },
    async (request) => {
      const { userId } = userOf(request);
      const found = await cancelSubscription(app.db, {
        subscriptionId: request.params.id,
        ownerId: userId,
        when: request.body.when,
        actor: `user:${userId}`,
        now: await clock.now(),
        reason: 'canceled_by_customer',
        by: callerContextOf(request),
      });
      if (!found) throw notFound('subscription');
      committed();
      return view(request.params.id, userId);
    },
  );

  app.post(
    '/v1/subscriptions/:id/change-plan',
    {
      schema: {
        operationId: 'changeSubscriptionPlan',
        summary: 'Move to another plan with proration (docs/billing.md)',
        tags: ['billing'],
        security,
        params: IdParams,
        body: ChangePlanBody,
        response: { 200: ChangePlanResult },
      },
    },
    async (request) => {
      const { userId } = userOf(request);
      const result = await changePlan(app.db, {
        subscriptionId: request.params.id,
        ownerId: userId,
        planId: request.body.planId,
        actor: `user:${userId}`,
        now: await clock.now(),
        by: callerContextOf(request),
      });
      if (result.kind === 'not_found') throw notFound('subscription');
      committed();
      const subscription = await view(request.params.id, userId);
      const p = result.proration;
      const money = (amount: number) => ({ amount, currency: subscription.price.currency });
      return {
        subscription,
        pendingPayment: result.kind === 'pending_payment',
        proration: p && {
          credit: money(p.creditMinor),
          charge: money(p.chargeMinor),
          net: money(p.netMinor),
          remainingSeconds: Math.round(p.remainingMs / 1000),
          periodSeconds: Math.round(p.periodMs / 1000),
        },
      };
    },
  );
}
