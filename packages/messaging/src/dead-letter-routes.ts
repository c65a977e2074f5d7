import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { problemResponse, requireRole } from '@switchyard/service-kit';
import type { Messaging } from './create-messaging.js';
import { discardDeadLetters, replayDeadLetters } from './dead-letter-actions.js';
import { deadLetterBulkRoutes } from './dead-letter-bulk-routes.js';
import { pageOfDeadLetters } from './dead-letter-page.js';
import { DeadLetterView, Position } from './dead-letter-schemas.js';
import { actionContextOf, asProblem } from './dead-letter-request.js';
import { alreadyHandled, serviceDeadLetters } from './service-dead-letters.js';
import type { TransactionalSqlClient } from './sql-client.js';

export interface DeadLetterRoutesOptions {
  /** A consuming service's messaging; routes live under /v1/admin/dead-letters/<service>. */
  messaging: Messaging;
  /**
   * The service's database: what was replayed or discarded (dead_letter_dispositions) and the
   * audit trail each of those actions is recorded in (audit_events, the service's stream).
   */
  db: TransactionalSqlClient;
}

/**
 * Operators' view of what this service's consumer gave up on, and a way to deal with it once
 * the cause is fixed: list its pending dead letters, replay one onto its original topic or
 * discard it, or either for every one a filter matches (dead-letter-bulk-routes). Each replay
 * and discard is recorded in the service's audit trail. Admins only.
 */
export async function deadLetterRoutes(
  fastify: FastifyInstance,
  { messaging, db }: DeadLetterRoutesOptions,
) {
  const letters = serviceDeadLetters(messaging, db);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = `/v1/admin/dead-letters/${letters.service}`;
  const name = capitalised(letters.service);
  const security = [{ bearerAuth: [] }];
  const onRequest = [app.authenticate, requireRole('admin')];

  app.get(
    base,
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: `list${name}DeadLetters`,
        summary: `Messages the ${letters.service} service gave up on and nobody replayed or discarded yet, oldest first`,
        security,
        querystring: Type.Object(
          {
            topic: Type.Optional(Type.String({ maxLength: 200 })),
            limit: Type.Integer({ minimum: 1, maximum: 100, default: 100 }),
            cursor: Type.Optional(Type.String({ maxLength: 200 })),
          },
          { additionalProperties: false },
        ),
        response: {
          200: Type.Object({
            items: Type.Array(DeadLetterView),
            nextCursor: Type.Union([Type.String(), Type.Null()]),
          }),
        },
      },
    },
    async (request) => {
      const { topic, limit, cursor } = request.query;
      const page = pageOfDeadLetters(await letters.pending(topic), { limit, cursor });
      return { items: page.items.map(letters.view), nextCursor: page.nextCursor };
    },
  );

  app.post(
    `${base}/replay`,
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: `replay${name}DeadLetter`,
        summary: 'Put a dead-lettered message back on its topic (after fixing its cause)',
        description:
          'Recorded in the service’s audit trail before it is sent. A dead letter is replayed once: a second replay is a 409.',
        security,
        body: Position,
        response: {
          202: DeadLetterView,
          403: problemResponse,
          404: problemResponse,
          409: problemResponse,
        },
      },
    },
    async (request, reply) => {
      const letter = await letters.find(request.body);
      let replayed;
      try {
        replayed = await replayDeadLetters(actionContextOf(letters, db, request), [letter]);
      } catch (error) {
        throw asProblem(error);
      }
      if (replayed.length === 0) throw alreadyHandled(request.body, null);
      const { topic, partition, offset } = request.body;
      request.log.warn(
        { topic, partition, offset, eventId: letter.eventId },
        'dead letter replayed',
      );
      return reply.status(202).send(letters.view(letter));
    },
  );

  app.post(
    `${base}/discard`,
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: `discard${name}DeadLetter`,
        summary: 'Give up on a dead-lettered message: it leaves the list and is not replayed',
        description: 'Recorded in the service’s audit trail. Nothing is deleted from Kafka.',
        security,
        body: Position,
        response: {
          204: { type: 'null', description: 'Discarded' },
          404: problemResponse,
          409: problemResponse,
        },
      },
    },
    async (request, reply) => {
      const letter = await letters.find(request.body);
      const discarded = await discardDeadLetters(actionContextOf(letters, db, request), [letter]);
      if (discarded.length === 0) throw alreadyHandled(request.body, null);
      return reply.status(204).send();
    },
  );

  await deadLetterBulkRoutes(app, { letters, db, base, name });
}

/** `order` → `Order`, for operationIds unique across the merged API document. */
function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
