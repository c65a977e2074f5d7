import { randomUUID } from 'node:crypto';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import {
  AppError,
  cursorParam,
  encodeCursor,
  identityOf,
  notFound,
  olderThan,
} from '@switchyard/service-kit';
import {
  customerOf,
  finishSetup,
  saveCard,
  toCardView,
  type SaveResult,
} from '../payment-methods/saved-cards.js';
import type { SavedMethodsClient } from '../provider/saved-methods-client.js';
import { ProviderRejectedError, ProviderUnavailableError } from '../provider/provider-types.js';
import {
  CardList,
  CardParams,
  CardQuery,
  CardView,
  SaveCardHeaders,
  SaveCardRequest,
  SetupParams,
  SetupPending,
} from '../schemas/payment-method.js';

/** A provider failure as the client should see it: retry later (503), or a refusal (422). */
async function atProvider<T>(call: () => Promise<T>): Promise<T> {
  try {
    return await call();
  } catch (error) {
    if (error instanceof ProviderUnavailableError)
      throw new AppError('UNAVAILABLE', 'the payment provider cannot be reached; retry later');
    if (error instanceof ProviderRejectedError)
      throw new AppError('UNPROCESSABLE', 'the payment provider refused this payment method');
    throw error;
  }
}

/** 201 with the card, 202 with what the customer must do, 422 for a declined card. */
function answer(reply: FastifyReply, result: SaveResult) {
  if (result.kind === 'saved') return reply.status(201).send(result.card);
  if (result.kind === 'requires_action')
    return reply.status(202).send({
      status: 'requires_action',
      setupIntentId: result.setupIntentId,
      nextAction: { url: result.url, clientSecret: result.clientSecret },
    });
  throw new AppError('UNPROCESSABLE', `the card was not accepted (${result.reason})`);
}

/**
 * /v1/payment-methods — a customer's saved cards. The provider holds the cards; we keep their
 * ids and what identifies them to a person. Only the owner sees or removes one (another user's
 * is 404), and an order can be paid with it by its id.
 */
export async function paymentMethodRoutes(
  fastify: FastifyInstance,
  options: { savedMethods: SavedMethodsClient },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];
  const client = options.savedMethods;

  /** Saved cards belong to people: a machine client has none. */
  const ownerOf = (request: Parameters<typeof identityOf>[0]) => {
    const caller = identityOf(request);
    if (!caller.userId || caller.clientId)
      throw new AppError('FORBIDDEN', 'saved cards belong to a signed-in customer');
    return caller.userId;
  };

  app.get(
    '/v1/payment-methods',
    {
      schema: {
        operationId: 'listPaymentMethods',
        summary: 'Your saved cards, newest first',
        tags: ['payment methods'],
        security,
        querystring: CardQuery,
        response: { 200: CardList },
      },
    },
    async (request) => {
      const { limit, cursor } = request.query;
      // Keyset paging on (created_at, id), newest first, as every list here.
      const rows = await app.db.savedPaymentMethod.findMany({
        where: { userId: ownerOf(request), ...olderThan(cursorParam(cursor)) },
        orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
        take: limit + 1,
      });
      const page = rows.slice(0, limit);
      const last = page.at(-1);
      return {
        items: page.map(toCardView),
        nextCursor: rows.length > limit && last ? encodeCursor(last) : null,
      };
    },
  );

  app.post(
    '/v1/payment-methods',
    {
      schema: {
        operationId: 'savePaymentMethod',
        summary: 'Save a card for later payments (a SetupIntent at the provider)',
        tags: ['payment methods'],
        security,
        headers: SaveCardHeaders,
        body: SaveCardRequest,
        response: { 201: CardView, 202: SetupPending },
      },
    },
    async (request, reply) =>
      answer(
        reply,
        await atProvider(() =>
          saveCard(app.db, client, {
            userId: ownerOf(request),
            paymentMethod: request.body.paymentMethod,
            idempotencyKey: request.headers['idempotency-key'] ?? randomUUID(),
          }),
        ),
      ),
  );

  app.post(
    '/v1/payment-methods/setups/:id/complete',
    {
      schema: {
        operationId: 'completePaymentMethodSetup',
        summary: 'After the customer confirmed with their bank: save the card',
        tags: ['payment methods'],
        security,
        params: SetupParams,
        response: { 201: CardView, 202: SetupPending },
      },
    },
    async (request, reply) => {
      const userId = ownerOf(request);
      const outcome = await atProvider(async () =>
        client.readSetup(request.params.id, await customerOf(app.db, client, userId)),
      );
      if (!outcome) throw notFound('setup');
      return answer(reply, await finishSetup(app.db, userId, outcome));
    },
  );

  app.delete(
    '/v1/payment-methods/:id',
    {
      schema: {
        operationId: 'removePaymentMethod',
        summary: 'Remove a saved card: it can no longer be charged',
        tags: ['payment methods'],
        security,
        params: CardParams,
        response: { 204: { type: 'null', description: 'Removed' } },
      },
    },
    async (request, reply) => {
      const card = await app.db.savedPaymentMethod.findFirst({
        where: { id: request.params.id, userId: ownerOf(request) },
      });
      if (!card) throw notFound('payment method');
      await atProvider(() => client.detach(card.id));
      await app.db.savedPaymentMethod.deleteMany({ where: { id: card.id } });
      return reply.status(204).send();
    },
  );
}
