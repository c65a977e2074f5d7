import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { requireRole } from '@switchyard/service-kit';
import type { Messaging } from './create-messaging.js';
import { readMessagingStatus } from './messaging-status.js';
import type { SqlClient } from './sql-client.js';

const Nullable = <T extends Parameters<typeof Type.Union>[0][number]>(schema: T) =>
  Type.Union([schema, Type.Null()]);

const MessagingStatusView = Type.Object({
  service: Type.String(),
  outbox: Type.Object({
    pending: Type.Integer({ description: 'Rows not yet published to Kafka' }),
    oldestAgeSeconds: Type.Number({ description: 'Age of the oldest of them (0 when none)' }),
    parked: Type.Integer({ description: 'Rows Kafka kept refusing, set aside for an operator' }),
  }),
  consumer: Nullable(
    Type.Object({
      group: Type.String(),
      lag: Type.Integer({ description: 'Messages the group has yet to consume, all partitions' }),
      partitions: Type.Array(
        Type.Object({ topic: Type.String(), partition: Type.Integer(), lag: Type.Integer() }),
      ),
    }),
  ),
  deadLetters: Nullable(Type.Integer({ description: 'Messages on its dead-letter topics' })),
  kafka: Type.Union([Type.Literal('ok'), Type.Literal('unavailable')]),
});

/**
 * `GET /v1/admin/messaging/<service>`: the outbox's backlog and age, the consumer's lag and the
 * dead-letter count of one service, for the console's dashboard (admins only). The figures are
 * those its metrics export; this serves people without a Prometheus at hand.
 */
export async function messagingStatusRoutes(
  fastify: FastifyInstance,
  options: { messaging: Messaging; db: SqlClient },
) {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const service = options.messaging.service;
  app.get(
    `/v1/admin/messaging/${service}`,
    {
      onRequest: [app.authenticate, requireRole('admin')],
      schema: {
        tags: ['operations'],
        operationId: `get${service.charAt(0).toUpperCase()}${service.slice(1)}MessagingStatus`,
        summary: `The ${service} service's outbox backlog, consumer lag and dead letters, now`,
        security: [{ bearerAuth: [] }],
        response: { 200: MessagingStatusView },
      },
    },
    async () => readMessagingStatus(options),
  );
}
