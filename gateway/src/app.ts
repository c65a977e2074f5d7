import rateLimit from '@fastify/rate-limit';
import { createApp, type App } from '@switchyard/service-kit';
import type { GatewayConfig } from './config.js';
import { authenticateRequests } from './plugins/authenticate-requests.js';
import { proxyRoutes } from './plugins/proxy-routes.js';
import { redisPlugin } from './plugins/redis.js';
import { routeTable } from './routes/route-table.js';

/** The API gateway: authenticate, rate-limit, and route every public request to its service. */
export async function buildGateway(config: GatewayConfig): Promise<App> {
  const app = await createApp({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    fastify: { trustProxy: false },
  });
  const routes = routeTable(config);

  await app.register(redisPlugin, { url: config.REDIS_URL });
  await app.register(authenticateRequests, {
    routes,
    jwksUrl: config.AUTH_JWKS_URL,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
  });
  // After authentication (preHandler), so limits apply per user; credential routes per IP.
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    redis: app.redis,
    nameSpace: 'switchyard:gateway:rate:',
    timeWindow: 60_000,
    // Redis trouble must not take the whole API down; it is logged and shows in /readyz.
    skipOnError: true,
    keyGenerator: (request) => {
      const strict = (request.routeOptions.config as { strictRateLimit?: boolean }).strictRateLimit;
      if (strict) return `credentials:${request.ip}`;
      return request.identity ? `user:${request.identity.userId}` : `ip:${request.ip}`;
    },
    max: (_request, key) =>
      key.startsWith('credentials:')
        ? config.AUTH_RATE_LIMIT_PER_MINUTE
        : config.RATE_LIMIT_PER_MINUTE,
    allowList: (request) => ['/healthz', '/readyz', '/metrics'].includes(request.url),
  });
  await app.register(proxyRoutes, { routes, timeoutMs: config.UPSTREAM_TIMEOUT_MS });
  return app;
}
