import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { userOf } from '@switchyard/service-kit';
import { CATEGORIES } from '../domain/compose-message.js';
import { CHANNELS, preferenceMatrix } from '../domain/preferences.js';
import { Preferences, PreferencesPatch } from '../schemas/preferences.js';

/** The caller's notification preferences: channel × category, everything on by default. */
export async function preferenceRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];
  const current = async (userId: string) =>
    preferenceMatrix(await app.db.notificationPreference.findMany({ where: { userId } }));

  app.get(
    '/v1/notifications/preferences',
    {
      schema: {
        operationId: 'getNotificationPreferences',
        summary: 'Your notification preferences',
        tags: ['notifications'],
        security,
        response: { 200: Preferences },
      },
    },
    async (request) => current(userOf(request).userId),
  );

  app.patch(
    '/v1/notifications/preferences',
    {
      schema: {
        operationId: 'updateNotificationPreferences',
        tags: ['notifications'],
        summary: 'Turn channels on or off per category (a password reset is always emailed)',
        security,
        body: PreferencesPatch,
        response: { 200: Preferences },
      },
    },
    async (request) => {
      const { userId } = userOf(request);
      const changes = CHANNELS.flatMap((channel) =>
        CATEGORIES.flatMap((category) => {
          const enabled = request.body[channel]?.[category];
          return enabled === undefined ? [] : [{ channel, category, enabled }];
        }),
      );
      await app.db.$transaction(
        changes.map((c) =>
          app.db.notificationPreference.upsert({
            where: {
              userId_channel_category: { userId, channel: c.channel, category: c.category },
            },
            create: { userId, ...c },
            update: { enabled: c.enabled },
          }),
        ),
      );
      return current(userId);
    },
  );
}
