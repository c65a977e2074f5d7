import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

/** One Redis client per process: connected before start, checked by /readyz, closed on shutdown. */
export const redisPlugin = fp(
  async (app: FastifyInstance, options: { url: string }) => {
    if (app.hasDecorator('redis')) throw new Error('redis plugin registered twice');
    const redis = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
    });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
    await redis.connect();
    app.decorate('redis', redis);
    app.addReadinessCheck('redis', () => redis.ping());
    app.addHook('onClose', async () => {
      await redis.quit();
    });
  },
  { name: 'switchyard-redis', dependencies: ['switchyard-health'] },
);
