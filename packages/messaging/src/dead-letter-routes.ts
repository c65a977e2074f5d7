import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { deadLetterReaderGroupPrefixOf, deadLetterTopicOf } from '@switchyard/contracts';
import { AppError, problemResponse, requireRole } from '@switchyard/service-kit';
import type { Messaging } from './create-messaging.js';
import { pageOfDeadLetters } from './dead-letter-page.js';
import {
  DeadLetterNotFound,
  DeadLetterReplayRefused,
  listDeadLetters,
  replayDeadLetter,
  type DeadLetter,
} from './dead-letters.js';

export interface DeadLetterRoutesOptions {
  /** A consuming service's messaging; routes live under /v1/admin/dead-letters/<service>. */
  messaging: Messaging;
}

const DeadLetterView = Type.Object({
  topic: Type.String({ description: 'The topic the message was consumed from' }),
  partition: Type.Integer({ description: 'Its partition on the dead-letter topic' }),
  offset: Type.String({ description: 'Its offset on the dead-letter topic' }),
  key: Type.Union([Type.String(), Type.Null()]),
  eventId: Type.Union([Type.String(), Type.Null()]),
  eventType: Type.Union([Type.String(), Type.Null()]),
  reason: Type.String(),
  deadLetteredAt: Type.Union([Type.String(), Type.Null()]),
  payload: Type.Union([Type.String(), Type.Null()]),
});

const Position = Type.Object(
  {
    topic: Type.String({ minLength: 1, maxLength: 200, pattern: '^[A-Za-z0-9._-]+$' }),
    partition: Type.Integer({ minimum: 0, maximum: 10_000 }),
    offset: Type.String({ pattern: '^[0-9]{1,19}$' }),
  },
  {
    examples: [{ topic: 'switchyard.orders.v1.dlt', partition: 0, offset: '42' }],
    additionalProperties: false,
  },
);

/**
 * Operators' view of what this service's consumer gave up on, and a way to try again once the
 * cause is fixed: list its dead letters, replay one onto its original topic. Admins only.
 */
export async function deadLetterRoutes(
  fastify: FastifyInstance,
  { messaging }: DeadLetterRoutesOptions,
) {
  if (!messaging.consumes) throw new Error(`${messaging.service} consumes nothing`);
  const options = { service: messaging.service, kafka: messaging.kafka, ...messaging.consumes };
  // The only groups this service's Kafka user may read with besides its own (its ACLs).
  const readerGroupPrefix = deadLetterReaderGroupPrefixOf(options.service, options.namespace);
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const base = `/v1/admin/dead-letters/${options.service}`;
  const security = [{ bearerAuth: [] }];
  const strip = (topic: string) =>
    topic.startsWith(options.namespace) ? topic.slice(options.namespace.length) : topic;
  const view = (letter: DeadLetter) => ({
    topic: strip(letter.originalTopic ?? letter.deadLetterTopic.replace(/\.dlt$/, '')),
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key,
    eventId: letter.eventId,
    eventType: letter.eventType,
    reason: letter.reason,
    deadLetteredAt: letter.deadLetteredAt,
    payload: letter.payload,
  });
  const known = (topic: string) => {
    if (!options.topics.includes(topic))
      throw new AppError('VALIDATION_FAILED', `${options.service} does not consume ${topic}`);
    return options.namespace + topic;
  };

  app.get(
    base,
    {
      onRequest: [app.authenticate, requireRole('admin')],
      schema: {
        tags: ['operations'],
        operationId: `list${capitalised(options.service)}DeadLetters`,
        summary: `Messages the ${options.service} service gave up on, oldest first`,
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
      const topics = topic ? [known(topic)] : options.topics.map(known);
      const letters: DeadLetter[] = [];
      for (const name of topics) {
        letters.push(
          ...(await listDeadLetters(options.kafka, {
            topic: name,
            consumerGroup: options.groupId,
            readerGroupPrefix,
          })),
        );
      }
      const page = pageOfDeadLetters(letters, { limit, cursor });
      return { items: page.items.map(view), nextCursor: page.nextCursor };
    },
  );

  app.post(
    `${base}/replay`,
    {
      onRequest: [app.authenticate, requireRole('admin')],
      schema: {
        tags: ['operations'],
        operationId: `replay${capitalised(options.service)}DeadLetter`,
        summary: 'Put a dead-lettered message back on its topic (after fixing its cause)',
        security,
        body: Position,
        response: { 202: DeadLetterView, 403: problemResponse, 404: problemResponse },
      },
    },
    async (request, reply) => {
      const { topic, partition, offset } = request.body;
      try {
        const letter = await replayDeadLetter(options.kafka, {
          deadLetterTopic: deadLetterTopicOf(known(topic)),
          partition,
          offset,
          readerGroupPrefix,
        });
        request.log.warn(
          { topic, partition, offset, eventId: letter.eventId },
          'dead letter replayed',
        );
        return reply.status(202).send(view(letter));
      } catch (error) {
        if (error instanceof DeadLetterNotFound) throw new AppError('NOT_FOUND', error.message);
        if (error instanceof DeadLetterReplayRefused)
          throw new AppError('FORBIDDEN', error.message);
        throw error;
      }
    },
  );
}

/** `order` → `Order`, for operationIds unique across the merged API document. */
function capitalised(word: string): string {
  return word.charAt(0).toUpperCase() + word.slice(1);
}
