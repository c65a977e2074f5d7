import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import type { UpstreamRoute } from '../routes/route-table.js';
import { parseUpstreamUrls } from '../upstreams/upstream-urls.js';
import { UpstreamPool, type UpstreamPoolOptions } from '../upstreams/upstream-pool.js';

declare module 'fastify' {
  interface FastifyInstance {
    /** One pool of replicas per upstream service, shared by all of that service's routes. */
    upstreamPools: Map<string, UpstreamPool>;
  }
}

/**
 * Builds each service's UpstreamPool (balancing, ejection, per-replica circuit breakers) from
 * its URL list, and closes them with the gateway.
 */
export const upstreamPools = fp(
  async (
    app: FastifyInstance,
    options: { routes: UpstreamRoute[] } & Pick<
      UpstreamPoolOptions,
      'connectTimeoutMs' | 'timeoutMs' | 'stallMs' | 'failureThreshold' | 'openMs' | 'dnsRefreshMs'
    >,
  ) => {
    if (app.hasDecorator('upstreamPools')) throw new Error('upstreamPools is registered twice');
    const pools = new Map<string, UpstreamPool>();
    for (const route of options.routes) {
      if (pools.has(route.service)) continue;
      pools.set(
        route.service,
        new UpstreamPool({
          service: route.service,
          urls: parseUpstreamUrls(route.upstream),
          connections: 128,
          connectTimeoutMs: options.connectTimeoutMs,
          timeoutMs: options.timeoutMs,
          stallMs: options.stallMs,
          failureThreshold: options.failureThreshold,
          openMs: options.openMs,
          dnsRefreshMs: options.dnsRefreshMs,
          log: app.log,
        }),
      );
    }
    app.decorate('upstreamPools', pools);
    app.addHook('onClose', async () => {
      await Promise.all([...pools.values()].map((pool) => pool.close()));
    });
  },
  { name: 'switchyard-upstream-pools' },
);
