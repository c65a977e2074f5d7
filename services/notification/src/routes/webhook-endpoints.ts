import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { auditContextOf, type AuditContext } from '@switchyard/audit';
import {
  AppError,
  assertScope,
  cursorParam,
  identityOf,
  keysetPage,
  notFound,
  olderThan,
} from '@switchyard/service-kit';
import type {
  WebhookAttempt,
  WebhookDelivery,
  WebhookEndpoint,
} from '../generated/prisma/client.js';
import {
  CreatedEndpoint,
  CreateEndpointBody,
  DeliveryList,
  DeliveryQuery,
  DeliveryView,
  EndpointList,
  EndpointListQuery,
  EndpointView,
  IdParams,
  RotatedSecret,
  RotateSecretBody,
  UpdateEndpointBody,
} from '../schemas/webhook.js';
import type { SecretBox } from '@switchyard/service-kit';
import {
  endpointChanges,
  recordNotificationEvent,
  webhookEndpointTarget,
} from '../audit/record-notification-event.js';
import { listEndpointDeliveries } from '../webhooks/list-endpoint-deliveries.js';
import { redeliverDelivery } from '../webhooks/redeliver-delivery.js';
import { newSigningSecret } from '../webhooks/signing-secret.js';
import {
  assertSafeWebhookUrl,
  UnsafeWebhookUrl,
  type TargetPolicy,
} from '../webhooks/ssrf-guard.js';

// How long a replaced secret keeps signing, unless the caller says otherwise: a day to deploy
// the new secret on the receiving side.
const DEFAULT_SECRET_OVERLAP_SECONDS = 24 * 3600;

const iso = (d: Date | null) => (d ? d.toISOString() : null);

export const endpointView = (e: WebhookEndpoint) => ({
  id: e.id,
  url: e.url,
  eventTypes: e.eventTypes,
  description: e.description,
  status: e.status as 'active' | 'disabled',
  disabledReason: e.disabledReason,
  failingSince: iso(e.failingSince),
  createdAt: e.createdAt.toISOString(),
});

export const deliveryView = (d: WebhookDelivery & { attemptLog: WebhookAttempt[] }) => ({
  id: d.id,
  eventId: d.eventId,
  eventType: d.eventType,
  status: d.status as 'pending' | 'succeeded' | 'failed',
  attempts: d.attempts,
  lastStatusCode: d.lastStatusCode,
  lastError: d.lastError,
  nextAttemptAt: d.status === 'pending' ? d.nextAttemptAt.toISOString() : null,
  deliveredAt: iso(d.deliveredAt),
  createdAt: d.createdAt.toISOString(),
  attemptLog: d.attemptLog
    .sort((a, b) => a.attemptedAt.getTime() - b.attemptedAt.getTime())
    .map((a) => ({
      at: a.attemptedAt.toISOString(),
      statusCode: a.statusCode,
      error: a.error,
      durationMs: a.durationMs,
    })),
});

/** Who owns what the caller creates: a person, or a machine client granted webhooks:manage. */
function ownerOf(request: FastifyRequest): { ownerKind: 'user' | 'client'; ownerId: string } {
  const caller = identityOf(request);
  if (caller.clientId) {
    assertScope(caller, 'webhooks:manage');
    return { ownerKind: 'client', ownerId: caller.clientId };
  }
  return { ownerKind: 'user', ownerId: caller.userId };
}

/** The owner acting on their endpoints, for the audit trail: a person or a machine client. */
function ownerContextOf(request: FastifyRequest): AuditContext {
  const { ownerKind, ownerId } = ownerOf(request);
  return auditContextOf(request, { type: ownerKind, id: ownerId });
}

/**
 * Outgoing webhook endpoints and their deliveries, each visible to its owner only (anyone
 * else's is 404). URLs are checked against SSRF rules here and again at every delivery.
 */
export async function webhookEndpointRoutes(
  fastify: FastifyInstance,
  options: { secrets: SecretBox; policy: TargetPolicy; nudge: () => void },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];
  const tags = ['webhooks'];

  const checkUrl = async (url: string) => {
    try {
      return (await assertSafeWebhookUrl(url, options.policy)).toString();
    } catch (error) {
      if (error instanceof UnsafeWebhookUrl)
        throw new AppError('UNPROCESSABLE', `webhook URL refused: ${error.message}`);
      throw error;
    }
  };
  const ownEndpoint = async (request: FastifyRequest, id: string) => {
    const endpoint = await app.db.webhookEndpoint.findFirst({ where: { id, ...ownerOf(request) } });
    if (!endpoint) throw notFound('webhook endpoint');
    return endpoint;
  };

  app.post(
    '/v1/webhooks/endpoints',
    {
      schema: {
        operationId: 'createWebhookEndpoint',
        summary: 'Register a webhook endpoint',
        tags,
        security,
        body: CreateEndpointBody,
        response: { 201: CreatedEndpoint },
      },
    },
    async (request, reply) => {
      const owner = ownerOf(request);
      const url = await checkUrl(request.body.url);
      const secret = newSigningSecret();
      const endpoint = await app.db.$transaction(async (tx) => {
        const created = await tx.webhookEndpoint.create({
          data: {
            id: randomUUID(),
            ...owner,
            url,
            eventTypes: request.body.eventTypes,
            description: request.body.description ?? null,
            secretCiphertext: options.secrets.seal(secret),
          },
        });
        await recordNotificationEvent(tx, ownerContextOf(request), {
          action: 'webhook_endpoint.created',
          target: webhookEndpointTarget(created.id),
          changes: endpointChanges(null, created),
        });
        return created;
      });
      return reply.status(201).send({ ...endpointView(endpoint), secret });
    },
  );

  app.get(
    '/v1/webhooks/endpoints',
    {
      schema: {
        operationId: 'listWebhookEndpoints',
        summary: 'Your webhook endpoints, newest first',
        tags,
        security,
        querystring: EndpointListQuery,
        response: { 200: EndpointList },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      const rows = await app.db.webhookEndpoint.findMany({
        where: { ...ownerOf(request), ...olderThan(cursorParam(cursor)) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const { items, nextCursor } = keysetPage(rows, limit);
      return { items: items.map(endpointView), nextCursor };
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        operationId: 'getWebhookEndpoint',
        summary: 'One webhook endpoint',
        tags,
        security,
        params: IdParams,
        response: { 200: EndpointView },
      },
    },
    async (request) => endpointView(await ownEndpoint(request, request.params.id)),
  );

  app.patch(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        operationId: 'updateWebhookEndpoint',
        summary: 'Change, disable or re-enable a webhook endpoint',
        tags,
        security,
        params: IdParams,
        body: UpdateEndpointBody,
        response: { 200: EndpointView },
      },
    },
    async (request) => {
      const endpoint = await ownEndpoint(request, request.params.id);
      const { url, eventTypes, description, status } = request.body;
      const data = {
        ...(url !== undefined ? { url: await checkUrl(url) } : {}),
        ...(eventTypes ? { eventTypes } : {}),
        ...(description !== undefined ? { description } : {}),
        ...(status === 'active' ? { status, disabledReason: null, failingSince: null } : {}),
        ...(status === 'disabled' ? { status, disabledReason: 'disabled by its owner' } : {}),
      };
      const updated = await app.db.$transaction(async (tx) => {
        // Locked: the before recorded is the one this update replaces.
        await tx.$queryRaw`SELECT 1 FROM webhook_endpoints WHERE id = ${endpoint.id}::uuid FOR UPDATE`;
        const before = await tx.webhookEndpoint.findUniqueOrThrow({ where: { id: endpoint.id } });
        const after = await tx.webhookEndpoint.update({ where: { id: endpoint.id }, data });
        const turned =
          before.status !== after.status
            ? after.status === 'active'
              ? 'webhook_endpoint.enabled'
              : 'webhook_endpoint.disabled'
            : 'webhook_endpoint.updated';
        await recordNotificationEvent(tx, ownerContextOf(request), {
          action: turned,
          target: webhookEndpointTarget(endpoint.id),
          changes: endpointChanges(before, after),
        });
        return after;
      });
      if (status === 'active') options.nudge();
      return endpointView(updated);
    },
  );

  app.post(
    '/v1/webhooks/endpoints/:id/rotate-secret',
    {
      schema: {
        operationId: 'rotateWebhookSecret',
        tags,
        summary: 'Replace the signing secret; the old one keeps signing during the overlap',
        security,
        params: IdParams,
        body: RotateSecretBody,
        response: { 200: RotatedSecret },
      },
      // The body is optional: an empty POST rotates with the default overlap.
      preValidation: async (request) => {
        request.body ??= {};
      },
    },
    async (request) => {
      const endpoint = await ownEndpoint(request, request.params.id);
      const overlapSeconds = request.body.overlapSeconds ?? DEFAULT_SECRET_OVERLAP_SECONDS;
      const secret = newSigningSecret();
      const previousSecretExpiresAt = new Date(Date.now() + overlapSeconds * 1000);
      const updated = await app.db.$transaction(async (tx) => {
        const rotated = await tx.webhookEndpoint.update({
          where: { id: endpoint.id },
          data: {
            secretCiphertext: options.secrets.seal(secret),
            previousSecretCiphertext: endpoint.secretCiphertext,
            previousSecretExpiresAt,
          },
        });
        // That it was rotated and how long the old one signs; never either secret.
        await recordNotificationEvent(tx, ownerContextOf(request), {
          action: 'webhook_endpoint.secret_rotated',
          target: webhookEndpointTarget(endpoint.id),
          details: { overlapSeconds, previousSecretExpiresAt },
        });
        return rotated;
      });
      return {
        ...endpointView(updated),
        secret,
        previousSecretExpiresAt: iso(previousSecretExpiresAt)!,
      };
    },
  );

  app.delete(
    '/v1/webhooks/endpoints/:id',
    {
      schema: {
        operationId: 'deleteWebhookEndpoint',
        summary: 'Remove a webhook endpoint and its deliveries',
        tags,
        security,
        params: IdParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      const endpoint = await ownEndpoint(request, request.params.id);
      await app.db.$transaction(async (tx) => {
        const deleted = await tx.webhookEndpoint.delete({ where: { id: endpoint.id } });
        await recordNotificationEvent(tx, ownerContextOf(request), {
          action: 'webhook_endpoint.deleted',
          target: webhookEndpointTarget(endpoint.id),
          changes: endpointChanges(deleted, null),
        });
      });
      return reply.status(204).send();
    },
  );

  app.get(
    '/v1/webhooks/endpoints/:id/deliveries',
    {
      schema: {
        operationId: 'listWebhookDeliveries',
        summary: "An endpoint's deliveries, newest first, with every attempt",
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
      const endpoint = await ownEndpoint(request, request.params.id);
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
    '/v1/webhooks/deliveries/:id/redeliver',
    {
      schema: {
        operationId: 'redeliverWebhook',
        tags,
        summary: 'Send a failed delivery again (from attempt one)',
        security,
        params: IdParams,
        response: { 202: DeliveryView },
      },
    },
    async (request, reply) => {
      const found = await redeliverDelivery(app.db, {
        deliveryId: request.params.id,
        owner: ownerOf(request),
        by: ownerContextOf(request),
      });
      if (!found) throw notFound('webhook delivery');
      options.nudge();
      const updated = await app.db.webhookDelivery.findUniqueOrThrow({
        where: { id: request.params.id },
        include: { attemptLog: true },
      });
      return reply.status(202).send(deliveryView(updated));
    },
  );
}
