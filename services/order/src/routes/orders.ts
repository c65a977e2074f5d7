import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AppError,
  assertScope,
  buildProblem,
  identityOf,
  notFound,
  userOf,
} from '@switchyard/service-kit';
import { cancelByCustomer } from '../orders/cancel-order.js';
import { findOrder, listOrders } from '../orders/find-orders.js';
import {
  claimIdempotencyKey,
  completeIdempotencyKey,
  IdempotencyKeyTakenOver,
  releaseIdempotencyKey,
  requestHash,
  type HeldKey,
} from '../orders/idempotency.js';
import { ordersPlaced } from '../orders/order-metrics.js';
import { placeOrder } from '../orders/place-order.js';
import {
  IdempotencyHeaders,
  OrderIdParams,
  OrderList,
  OrderListQuery,
  OrderView,
  PlaceOrderBody,
  type OrderView as OrderViewType,
} from '../schemas/order.js';

export interface OrderRoutesOptions {
  /** How long a placement holds its Idempotency-Key (IDEMPOTENCY_LOCK_MS). */
  idempotencyLockMs: number;
}

/** A customer's own orders (and, for machine clients granted orders:read, all orders). */
export async function orderRoutes(
  fastify: FastifyInstance,
  options: OrderRoutesOptions,
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];

  app.post(
    '/v1/orders',
    {
      schema: {
        operationId: 'placeOrder',
        summary: 'Place an order',
        tags: ['orders'],
        security,
        headers: IdempotencyHeaders,
        body: PlaceOrderBody,
        response: { 201: OrderView },
      },
    },
    async (request, reply) => {
      const { userId } = userOf(request);
      const key = request.headers['idempotency-key'];
      let held: HeldKey | null = null;
      if (key) {
        const claim = await claimIdempotencyKey(app.db, {
          userId,
          key,
          hash: requestHash(request.body),
          lockMs: options.idempotencyLockMs,
        });
        if ('replay' in claim) {
          // The first answer, replayed exactly: its status and body (a 201 or a 4xx problem).
          const stored = claim.replay;
          reply.header('idempotent-replayed', 'true');
          ordersPlaced.inc({ outcome: 'replayed', reason: '' });
          if (stored.status >= 400) {
            return reply
              .code(stored.status as 201)
              .type('application/problem+json')
              .send(stored.body as never);
          }
          const body = stored.body as OrderViewType;
          return reply.code(201).header('location', `/v1/orders/${body.id}`).send(body);
        }
        held = claim.held;
      }
      let order;
      try {
        order = await placeOrder(app.db, { userId, ...request.body }, async (tx, placed) => {
          // Fenced: commits only while this request still holds the key, else rolls back.
          if (held)
            await completeIdempotencyKey(tx, { ...held, response: { status: 201, body: placed } });
        });
      } catch (error) {
        if (error instanceof IdempotencyKeyTakenOver) {
          // The key is the retry's now: neither remember nor release it. Retrying with the
          // same key is right, and soon: it returns the retry's answer once it has one.
          ordersPlaced.inc({ outcome: 'refused', reason: 'key_taken_over' });
          reply.header('retry-after', '1');
          throw error;
        }
        if (error instanceof AppError && error.status < 500)
          ordersPlaced.inc({ outcome: 'refused', reason: error.code.toLowerCase() });
        if (held) {
          // A client error is the answer to this request: remember it. Our own failure is not.
          if (error instanceof AppError && error.status < 500) {
            const body = buildProblem({
              status: error.status,
              code: error.code,
              detail: error.detail,
            });
            await completeIdempotencyKey(app.db.pool, {
              ...held,
              response: { status: error.status, body },
            }).catch((storeError: unknown) => {
              // Taken over meanwhile: the key keeps the other request's answer.
              if (!(storeError instanceof IdempotencyKeyTakenOver)) throw storeError;
            });
          } else {
            await releaseIdempotencyKey(app.db, held);
          }
        }
        throw error;
      }
      ordersPlaced.inc({ outcome: 'placed', reason: '' });
      app.messaging.relay.nudge();
      await app.catalogCache.invalidate(); // stock changed
      return reply.status(201).header('location', `/v1/orders/${order.id}`).send(order);
    },
  );

  app.get(
    '/v1/orders',
    {
      schema: {
        operationId: 'listOrders',
        summary: 'Your orders',
        tags: ['orders'],
        security,
        querystring: OrderListQuery,
        response: { 200: OrderList },
      },
    },
    async (request) => {
      const caller = identityOf(request);
      if (caller.clientId) assertScope(caller, 'orders:read');
      return listOrders(app.db, {
        ...request.query,
        ...(caller.clientId ? {} : { userId: caller.userId }),
      });
    },
  );

  app.post(
    '/v1/orders/:id/cancel',
    {
      schema: {
        operationId: 'cancelOrder',
        tags: ['orders'],
        summary: 'Cancel an order whose payment is still pending (stock is released)',
        security,
        params: OrderIdParams,
        response: { 200: OrderView },
      },
    },
    async (request) => {
      const outcome = await cancelByCustomer(app.db, request.params.id, userOf(request).userId);
      if (outcome === 'not_found') throw notFound('order');
      if (outcome !== 'cancelled')
        throw new AppError('CONFLICT', `an order in status ${outcome.status} cannot be cancelled`);
      app.messaging.relay.nudge();
      await app.catalogCache.invalidate(); // stock released
      return (await findOrder(app.db, request.params.id))!;
    },
  );

  app.get(
    '/v1/orders/:id',
    {
      schema: {
        operationId: 'getOrder',
        summary: 'One order, with its timeline',
        tags: ['orders'],
        security,
        params: OrderIdParams,
        response: { 200: OrderView },
      },
    },
    async (request) => {
      const caller = identityOf(request);
      if (caller.clientId) assertScope(caller, 'orders:read');
      const order = await findOrder(
        app.db,
        request.params.id,
        caller.clientId ? undefined : caller.userId,
      );
      if (!order) throw notFound('order');
      return order;
    },
  );
}
