import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireRole } from '@switchyard/service-kit';
import type { BillingClock } from '../clock/billing-clock.js';
import type { BillingJobs } from '../scheduler/billing-jobs.js';
import {
  AdvanceClockBody,
  ClockView,
  RunDueResult,
  SubscriptionList,
  SubscriptionListQuery,
} from '../schemas/billing.js';
import { listSubscriptions } from '../subscriptions/subscription-view.js';

export interface AdminBillingRoutesOptions {
  clock: BillingClock;
  jobs: BillingJobs;
}

/**
 * Staff's view of every subscription, and the renewal sweep on demand. The clock routes exist
 * only with BILLING_TEST_CLOCK (tests move time; production never can).
 */
export async function adminBillingRoutes(
  fastify: FastifyInstance,
  options: AdminBillingRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];
  const { clock, jobs } = options;

  app.get(
    '/v1/admin/subscriptions',
    {
      schema: {
        operationId: 'listAllSubscriptions',
        summary: "Every customer's subscriptions (admin)",
        tags: ['admin'],
        security,
        querystring: SubscriptionListQuery,
        response: { 200: SubscriptionList },
      },
    },
    async (request) => listSubscriptions(app.db, { ...request.query, ownerId: null }),
  );

  app.post(
    '/v1/admin/billing/run-due',
    {
      schema: {
        operationId: 'runDueRenewals',
        summary: 'Queue every renewal and dunning retry that is due now (admin)',
        tags: ['admin'],
        security,
        response: { 202: RunDueResult },
      },
    },
    async (_request, reply) => reply.code(202).send({ due: await jobs.sweep() }),
  );

  if (!clock.isMovable) return;

  const clockView = async () => ({
    now: (await clock.now()).toISOString(),
    offsetSeconds: Math.floor((await clock.offsetMs()) / 1000),
  });

  app.get(
    '/v1/admin/billing/clock',
    {
      schema: {
        operationId: 'getBillingClock',
        summary: "Billing's test clock (BILLING_TEST_CLOCK only)",
        tags: ['admin'],
        security,
        response: { 200: ClockView },
      },
    },
    clockView,
  );

  app.post(
    '/v1/admin/billing/clock',
    {
      schema: {
        operationId: 'advanceBillingClock',
        summary: "Move billing's test clock forward (BILLING_TEST_CLOCK only)",
        tags: ['admin'],
        security,
        body: AdvanceClockBody,
        response: { 200: ClockView },
      },
    },
    async (request) => {
      await clock.advance(request.body.advanceSeconds * 1000);
      return clockView();
    },
  );
}
