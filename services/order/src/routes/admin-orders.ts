import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerContextOf } from '@switchyard/audit';
import { notFound, requireRole } from '@switchyard/service-kit';
import { findOrder, listOrders } from '../orders/find-orders.js';
import { fulfilOrder } from '../orders/fulfil-order.js';
import { OrderIdParams, OrderList, OrderListQuery, OrderView } from '../schemas/order.js';

/** Administration of orders: every customer's orders, and fulfilment. Admin role required. */
export async function adminOrderRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/admin/orders',
    {
      schema: {
        operationId: 'listAllOrders',
        summary: "Every customer's orders (admin)",
        tags: ['admin'],
        security,
        querystring: OrderListQuery,
        response: { 200: OrderList },
      },
    },
    async (request) => listOrders(app.db, request.query),
  );

  app.get(
    '/v1/admin/orders/:id',
    {
      schema: {
        operationId: 'getAnyOrder',
        summary: "Any customer's order, with its timeline (admin)",
        tags: ['admin'],
        security,
        params: OrderIdParams,
        response: { 200: OrderView },
      },
    },
    async (request) => {
      const order = await findOrder(app.db, request.params.id);
      if (!order) throw notFound('order');
      return order;
    },
  );

  app.post(
    '/v1/admin/orders/:id/fulfil',
    {
      schema: {
        operationId: 'fulfilOrder',
        summary: 'Mark a paid order fulfilled (admin)',
        tags: ['admin'],
        security,
        params: OrderIdParams,
        response: { 200: OrderView },
      },
    },
    async (request) => {
      const order = await fulfilOrder(app.db, request.params.id, callerContextOf(request));
      if (!order) throw notFound('order');
      return order;
    },
  );
}
