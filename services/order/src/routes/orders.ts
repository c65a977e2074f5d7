import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { assertScope, identityOf, notFound, userOf } from '@switchyard/service-kit';
import { findAnyOrder, findOwnOrder, listAllOrders, listOwnOrders } from '../orders/find-orders.js';
import { placeOrder } from '../orders/place-order.js';
import { OrderIdParams, OrderList, OrderView, PlaceOrderBody } from '../schemas/order.js';

/** A customer's own orders; every route needs a valid access token. */
export async function orderRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  app.post(
    '/v1/orders',
    { schema: { tags: ['orders'], body: PlaceOrderBody, response: { 201: OrderView } } },
    async (request, reply) => {
      const order = await placeOrder(app.db, {
        userId: userOf(request).userId,
        ...request.body,
      });
      app.messaging.relay.nudge();
      return reply.status(201).header('location', `/v1/orders/${order.id}`).send(order);
    },
  );

  app.get(
    '/v1/orders',
    { schema: { tags: ['orders'], response: { 200: OrderList } } },
    async (request) => {
      const caller = identityOf(request);
      if (caller.clientId) {
        assertScope(caller, 'orders:read');
        return { items: await listAllOrders(app.db) };
      }
      return { items: await listOwnOrders(app.db, caller.userId) };
    },
  );

  app.get(
    '/v1/orders/:id',
    { schema: { tags: ['orders'], params: OrderIdParams, response: { 200: OrderView } } },
    async (request) => {
      const caller = identityOf(request);
      if (caller.clientId) assertScope(caller, 'orders:read');
      const order = caller.clientId
        ? await findAnyOrder(app.db, request.params.id)
        : await findOwnOrder(app.db, caller.userId, request.params.id);
      if (!order) throw notFound('order');
      return order;
    },
  );
}
