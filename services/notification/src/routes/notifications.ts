import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound, userOf } from '@switchyard/service-kit';
import { countUnread, listInbox, markAllRead, markRead } from '../inbox/inbox.js';
import {
  MarkedAll,
  NotificationIdParams,
  NotificationList,
  NotificationListQuery,
  UnreadCount,
} from '../schemas/notification.js';

/** The caller's own in-app inbox: list, unread count, mark read. Another user's is 404. */
export async function notificationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/notifications',
    {
      schema: {
        operationId: 'listNotifications',
        summary: 'Your inbox, newest first',
        tags: ['notifications'],
        security,
        querystring: NotificationListQuery,
        response: { 200: NotificationList },
      },
    },
    async (request) => {
      const { limit, cursor, unread } = request.query;
      return listInbox(app.db, {
        userId: userOf(request).userId,
        limit,
        cursor,
        unreadOnly: unread,
      });
    },
  );

  app.get(
    '/v1/notifications/unread-count',
    {
      schema: {
        operationId: 'countUnreadNotifications',
        summary: 'How many notifications are unread',
        tags: ['notifications'],
        security,
        response: { 200: UnreadCount },
      },
    },
    async (request) => ({ unreadCount: await countUnread(app.db, userOf(request).userId) }),
  );

  app.post(
    '/v1/notifications/:id/read',
    {
      schema: {
        operationId: 'markNotificationRead',
        summary: 'Mark one notification read',
        tags: ['notifications'],
        security,
        params: NotificationIdParams,
        response: { 204: { type: 'null' } },
      },
    },
    async (request, reply) => {
      if (!(await markRead(app.db, userOf(request).userId, request.params.id)))
        throw notFound('notification');
      return reply.status(204).send();
    },
  );

  app.post(
    '/v1/notifications/read-all',
    {
      schema: {
        operationId: 'markAllNotificationsRead',
        summary: 'Mark every notification read',
        tags: ['notifications'],
        security,
        response: { 200: MarkedAll },
      },
    },
    async (request) => ({ updated: await markAllRead(app.db, userOf(request).userId) }),
  );
}
