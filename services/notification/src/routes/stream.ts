import type { FastifyInstance } from 'fastify';
import { AppError, userOf } from '@switchyard/service-kit';
import { toNotificationView } from '../inbox/inbox.js';
import type { RealtimeHub } from '../realtime/realtime-hub.js';
import { openEventStream } from '../realtime/sse.js';

const BACKLOG_LIMIT = 500;

/**
 * GET /v1/notifications/stream — the caller's in-app notifications as Server-Sent Events, live.
 * Each event's id is the notification's stream position: a client reconnecting with
 * `Last-Event-ID` first gets what it missed, then live events, without gaps or repeats.
 */
const MAX_EVENT_ID = 9_223_372_036_854_775_807n;

export async function streamRoutes(
  fastify: FastifyInstance,
  options: { hub: RealtimeHub; retryMs: number },
): Promise<void> {
  const app = fastify;
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/notifications/stream',
    {
      schema: {
        operationId: 'streamNotifications',
        tags: ['notifications'],
        summary: 'Live notifications (text/event-stream); resume with Last-Event-ID',
        security: [{ bearerAuth: [] }],
        headers: {
          type: 'object',
          properties: { 'last-event-id': { type: 'string', pattern: '^[0-9]{1,19}$' } },
        },
        response: {
          200: {
            description: 'event: notification, id: <position>, data: a notification (JSON)',
            content: { 'text/event-stream': { schema: { type: 'string' } } },
          },
        },
      },
    },
    async (request, reply) => {
      const { userId } = userOf(request);
      const lastEventId = request.headers['last-event-id'] as string | undefined;
      // Ids are Postgres bigints: anything larger was never sent, so it cannot be resumed from.
      if (lastEventId && BigInt(lastEventId) > MAX_EVENT_ID)
        throw new AppError('VALIDATION_FAILED', 'Last-Event-ID is not an id this stream sent');
      reply.hijack();
      openEventStream(reply.raw, options.retryMs);
      const stream = options.hub.attach(userId, reply.raw);
      request.raw.on('close', stream.detach);
      if (lastEventId) {
        const missed = await app.db.notification.findMany({
          where: { userId, inApp: true, seq: { gt: BigInt(lastEventId) } },
          orderBy: { seq: 'asc' },
          take: BACKLOG_LIMIT,
        });
        stream.sendBacklog(
          missed.map((n) => ({
            seq: n.seq.toString(),
            userId,
            notification: toNotificationView(n),
          })),
        );
      }
      stream.ready();
    },
  );
}
