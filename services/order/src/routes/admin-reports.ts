import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { requireRole } from '@switchyard/service-kit';
import { salesSummary } from '../reports/sales-summary.js';
import { salesWindowOf } from '../reports/sales-window.js';
import { SalesReport, SalesReportQuery } from '../schemas/sales-report.js';

/** Reports over the shop's orders, for staff (the console's dashboard). Admin role required. */
export async function adminReportRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));

  app.get(
    '/v1/admin/reports/sales',
    {
      schema: {
        operationId: 'getSalesReport',
        summary: 'Sales in a window: paid orders, revenue, refunds and top products (admin)',
        description:
          'Per currency: orders paid in the window and their revenue, refunds recorded in it, ' +
          'and the ten products sold most (units); and the orders placed in it by their ' +
          'status now. Amounts in integer minor units. At most 31 days.',
        tags: ['admin'],
        security: [{ bearerAuth: [] }],
        querystring: SalesReportQuery,
        response: { 200: SalesReport },
      },
    },
    async (request) => salesSummary(app.db.pool, salesWindowOf(request.query)),
  );
}
