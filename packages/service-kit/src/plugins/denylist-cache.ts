import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { DenylistCache } from '../denylist-cache.js';

declare module 'fastify' {
  interface FastifyInstance {
    denylist: DenylistCache;
  }
}

/**
 * The disabled-user denylist in memory (DenylistCache), over the process's Redis client:
 * started in the background (requests read Redis until it is complete), closed on shutdown.
 * Pass `app.denylist` to jwtAuth (services) or read it in the gateway's authentication.
 */
export const denylistCachePlugin = fp(
  async (app: FastifyInstance, options: { resyncMs?: number }) => {
    if (app.hasDecorator('denylist')) throw new Error('denylist cache registered twice');
    const denylist = new DenylistCache(app.redis, {
      ...(options.resyncMs ? { resyncMs: options.resyncMs } : {}),
      onError: (error) =>
        app.log.warn({ err: error }, 'denylist cache: reading Redis per request until resynced'),
    });
    denylist.start();
    app.decorate('denylist', denylist);
    app.addHook('onClose', () => denylist.close());
  },
  { name: 'switchyard-denylist-cache', dependencies: ['switchyard-redis'] },
);
