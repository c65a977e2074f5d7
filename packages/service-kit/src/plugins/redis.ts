import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Redis } from 'ioredis';

declare module 'fastify' {
  interface FastifyInstance {
    redis: Redis;
  }
}

export interface RedisPluginOptions {
  url: string;
  /**
   * Does the process need Redis to serve (rate limits, fan-out), or only to go faster (a
   * cache)? When not needed, the process starts and stays ready without it, and /readyz only
   * shows how Redis stands.
   */
  required?: boolean;
}

/**
 * One Redis client per process, checked by /readyz, closed on shutdown. A command fails within
 * about a second while Redis is away (callers decide what that means), and the client keeps
 * reconnecting in the background.
 */
export const redisPlugin = fp(
  async (app: FastifyInstance, options: RedisPluginOptions) => {
    if (app.hasDecorator('redis')) throw new Error('redis plugin registered twice');
    const required = options.required ?? true;
    const redis = new Redis(options.url, {
      lazyConnect: true,
      maxRetriesPerRequest: 2,
      enableOfflineQueue: true,
      commandTimeout: 1_000,
    });
    redis.on('error', (error) => app.log.warn({ err: error }, 'redis error'));
    if (required) await redis.connect();
    else redis.connect().catch(() => {}); // retried in the background; a cache can wait
    app.decorate('redis', redis);
    if (required) app.addReadinessCheck('redis', () => redis.ping());
    else
      app.addStatusReport(async () => ({
        redis: await redis.ping().then(
          () => 'ok',
          () => 'unavailable',
        ),
      }));
    app.addHook('onClose', async () => {
      await redis.quit().catch(() => redis.disconnect());
    });
  },
  { name: 'switchyard-redis', dependencies: ['switchyard-health'] },
);
