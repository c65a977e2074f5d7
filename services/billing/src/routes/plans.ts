import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerContextOf } from '@switchyard/audit';
import {
  AppError,
  cursorParam,
  keysetPage,
  notFound,
  olderThan,
  requireRole,
} from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { createPlan, updatePlan } from '../plans/plan-changes.js';
import { planView } from '../plans/plan-view.js';
import {
  CreatePlanBody,
  IdParams,
  PlanList,
  PlanListQuery,
  PlanView,
  UpdatePlanBody,
} from '../schemas/billing.js';

/** Plans newest first, keyset-paged like every list of the API. */
async function listPlans(db: Db, query: { activeOnly: boolean; limit: number; cursor?: string }) {
  const rows = await db.plan.findMany({
    where: {
      ...(query.activeOnly ? { active: true } : {}),
      ...olderThan(cursorParam(query.cursor)),
    },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: query.limit + 1,
  });
  const page = keysetPage(rows, query.limit);
  return { items: page.items.map(planView), nextCursor: page.nextCursor };
}

export interface PlanRoutesOptions {
  /** Refuses a tax category the tax table cannot price (BILLING_TAX_RATES). */
  knowsTaxCategory: (category: string) => boolean;
}

/** The plan catalog: anyone may read the active plans; admins manage them. */
export async function planRoutes(
  fastify: FastifyInstance,
  options: PlanRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/plans',
    {
      schema: {
        operationId: 'listPlans',
        summary: 'The plans on offer',
        tags: ['billing'],
        security: [],
        querystring: PlanListQuery,
        response: { 200: PlanList },
      },
    },
    async (request) => listPlans(app.db, { activeOnly: true, ...request.query }),
  );

  app.get(
    '/v1/plans/:id',
    {
      schema: {
        operationId: 'getPlan',
        summary: 'One plan on offer',
        tags: ['billing'],
        security: [],
        params: IdParams,
        response: { 200: PlanView },
      },
    },
    async (request) => {
      const plan = await app.db.plan.findUnique({ where: { id: request.params.id } });
      if (!plan || !plan.active) throw notFound('plan');
      return planView(plan);
    },
  );

  await app.register(async (admin) => {
    const scoped = admin.withTypeProvider<TypeBoxTypeProvider>();
    scoped.addHook('onRequest', scoped.authenticate);
    scoped.addHook('onRequest', requireRole('admin'));
    const security = [{ bearerAuth: [] }];

    scoped.get(
      '/v1/admin/plans',
      {
        schema: {
          operationId: 'listAllPlans',
          summary: 'Every plan, retired ones too (admin)',
          tags: ['admin'],
          security,
          querystring: PlanListQuery,
          response: { 200: PlanList },
        },
      },
      async (request) => listPlans(scoped.db, { activeOnly: false, ...request.query }),
    );

    scoped.post(
      '/v1/admin/plans',
      {
        schema: {
          operationId: 'createPlan',
          summary: 'Add a plan to the catalog (admin)',
          tags: ['admin'],
          security,
          body: CreatePlanBody,
          response: { 201: PlanView },
        },
      },
      async (request, reply) => {
        const body = request.body;
        // The schema's defaults have filled these; the fallbacks only satisfy the types.
        const taxCategory = body.taxCategory ?? 'standard';
        if (!options.knowsTaxCategory(taxCategory)) {
          throw new AppError('UNPROCESSABLE', `No tax rate is configured for ${taxCategory}`);
        }
        const plan = await createPlan(
          scoped.db,
          { ...body, taxCategory },
          callerContextOf(request),
        );
        return reply.code(201).header('location', `/v1/plans/${plan.id}`).send(planView(plan));
      },
    );

    scoped.patch(
      '/v1/admin/plans/:id',
      {
        schema: {
          operationId: 'updatePlan',
          summary: 'Rename, reprice (new subscriptions only) or retire a plan (admin)',
          tags: ['admin'],
          security,
          params: IdParams,
          body: UpdatePlanBody,
          response: { 200: PlanView },
        },
      },
      async (request) => {
        const plan = await updatePlan(
          scoped.db,
          request.params.id,
          request.body,
          callerContextOf(request),
        );
        if (!plan) throw notFound('plan');
        return planView(plan);
      },
    );
  });
}
