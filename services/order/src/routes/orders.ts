import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { identityOf, notFound } from '@switchyard/service-kit';
import { findOwnOrder, listOwnOrders } from '../orders/find-orders.js';
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
        userId: identityOf(request).userId,
        ...request.body,
      });
      app.messaging.relay.nudge();
      return reply.status(201).header('location', `/v1/orders/${order.id}`).send(order);
    },
  );

  app.get(
    '/v1/orders',
    { schema: { tags: ['orders'], response: { 200: OrderList } } },
    async (request) => ({ items: await listOwnOrders(app.db, identityOf(request).userId) }),
  );

  app.get(
    '/v1/orders/:id',
    { schema: { tags: ['orders'], params: OrderIdParams, response: { 200: OrderView } } },
    async (request) => {
      const order = await findOwnOrder(app.db, identityOf(request).userId, request.params.id);
      if (!order) throw notFound('order');
      return order;
    },
  );
}
