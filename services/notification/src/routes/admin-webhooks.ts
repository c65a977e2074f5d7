import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerContextOf } from '@switchyard/audit';
import { cursorParam, keysetPage, notFound, olderThan, requireRole } from '@switchyard/service-kit';
import type { WebhookEndpoint } from '../generated/prisma/client.js';
import {
  AdminEndpointList,
  AdminEndpointListQuery,
  AdminEndpointView,
} from '../schemas/admin-webhook.js';
import { DeliveryList, DeliveryQuery, DeliveryView, IdParams } from '../schemas/webhook.js';
import { listEndpointDeliveries } from '../webhooks/list-endpoint-deliveries.js';
import { redeliverDelivery } from '../webhooks/redeliver-delivery.js';
import { deliveryView, endpointView } from './webhook-endpoints.js';

const adminEndpointView = (e: WebhookEndpoint) => ({
  ...endpointView(e),
  owner: { kind: e.ownerKind as 'user' | 'client', id: e.ownerId },
});

/**
 * Every integrator's webhook endpoints and deliveries, for staff (admins only): find an
 * endpoint by its owner, read its deliveries with every attempt, redeliver a failed one. The
 * same lookups and reset as the owners' routes, without the owner condition.
 */
export async function adminWebhookRoutes(
  fastify: FastifyInstance,
  options: { nudge: () => void },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];
  const tags = ['webhooks'];

  app.get(
    '/v1/admin/webhooks/endpoints',
    {
      schema: {
        operationId: 'listAllWebhookEndpoints',
        summary: "Every owner's webhook endpoints, newest first (admin)",
        tags,
        security,
        querystring: AdminEndpointListQuery,
        response: { 200: AdminEndpointList },
      },
    },
    async (request) => {
      const { ownerId, ownerKind, status, limit, cursor } = request.query;
      const rows = await app.db.webhookEndpoint.findMany({
        where: {
          ...(ownerId ? { ownerId } : {}),
          ...(ownerKind ? { ownerKind } : {}),
          ...(status ? { status } : {}),
          ...olderThan(cursorParam(cursor)),
        },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const { items, nextCursor } = keysetPage(rows, limit);
      return { items: items.map(adminEndpointView), nextCursor };
    },
  );

  app.get(
    '/v1/admin/webhooks/endpoints/:id',
    {
      schema: {
        operationId: 'getAnyWebhookEndpoint',
        summary: 'Any webhook endpoint, with its owner (admin)',
        tags,
        security,
        params: IdParams,
        response: { 200: AdminEndpointView },
      },
    },
    async (request) => {
      const endpoint = await app.db.webhookEndpoint.findUnique({
        where: { id: request.params.id },
      });
      if (!endpoint) throw notFound('webhook endpoint');
      return adminEndpointView(endpoint);
    },
  );

  app.get(
    '/v1/admin/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        operationId: 'listAnyWebhookDeliveries',
        summary: "Any endpoint's deliveries, newest first, with every attempt (admin)",
        tags,
        security,
        params: IdParams,
        querystring: DeliveryQuery,
        response: { 200: DeliveryList },
      },
    },
    async (request) => {
      const { cursor, ...query } = request.query;
      const after = cursorParam(cursor);
      const endpoint = await app.db.webhookEndpoint.findUnique({
        where: { id: request.params.id },
        select: { id: true },
      });
      if (!endpoint) throw notFound('webhook endpoint');
      const { items, nextCursor } = await listEndpointDeliveries({
        db: app.db,
        endpointId: endpoint.id,
        ...query,
        after,
      });
      return { items: items.map(deliveryView), nextCursor };
    },
  );

  app.post(
    '/v1/admin/webhooks/deliveries/:id/redeliver',
    {
      schema: {
        operationId: 'redeliverAnyWebhook',
        summary: "Send any owner's failed delivery again, from attempt one (admin)",
        tags,
        security,
        params: IdParams,
        response: { 202: DeliveryView },
      },
    },
    async (request, reply) => {
      const found = await redeliverDelivery(app.db, {
        deliveryId: request.params.id,
        by: callerContextOf(request),
      });
      if (!found) throw notFound('webhook delivery');
      options.nudge();
      const updated = await app.db.webhookDelivery.findUniqueOrThrow({
        where: { id: request.params.id },
        include: { attemptLog: true },
      });
      request.log.warn({ deliveryId: updated.id }, 'webhook delivery redelivered by an admin');
      return reply.status(202).send(deliveryView(updated));
    },
  );
}
