import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '@switchyard/service-kit';
import { NotificationList } from '../schemas/notification.js';

/** The caller's own in-app inbox, newest first. */
export async function notificationRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/notifications',
    { schema: { tags: ['notifications'], response: { 200: NotificationList } } },
    async (request) => {
      const rows = await app.db.notification.findMany({
        where: { userId: userOf(request).userId },
        orderBy: { createdAt: 'desc' },
        take: 100,
      });
      return {
        items: rows.map((n) => ({
          id: n.id,
          category: n.category,
          title: n.title,
          body: n.body,
          read: n.readAt !== null,
          createdAt: n.createdAt.toISOString(),
        })),
      };
    },
  );
}
