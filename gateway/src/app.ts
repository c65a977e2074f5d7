import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import {
  createApp,
  denylistCachePlugin,
  redisPlugin,
  type App,
  type LogStream,
} from '@switchyard/service-kit';
import type { GatewayConfig } from './config.js';
import { accountExport } from './plugins/account-export.js';
import { adminConsole } from './plugins/admin-console.js';
import { apiDocs } from './plugins/api-docs.js';
import { authenticateRequests } from './plugins/authenticate-requests.js';
import { proxyRoutes } from './plugins/proxy-routes.js';
import { rateLimitHeaders, rateLimitPolicyOf } from './plugins/rate-limit-headers.js';
import { SECURITY_HEADER_OPTIONS, securityHeaders } from './plugins/security-headers.js';
import { oversizedBodies } from './plugins/oversized-bodies.js';
import { upstreamPools } from './plugins/upstream-pools.js';
import { normaliseRequestTarget } from './routes/request-target.js';
import { routeTable } from './routes/route-table.js';

/**
 * The API gateway: authenticate, rate-limit, and route every public request to its service.
 * Log lines go to stdout unless `logStream` is given (a test that reads the request log).
 */
export async function buildGateway(
  config: GatewayConfig,
  options: { logStream?: LogStream } = {},
): Promise<App> {
  const app = await createApp({
    service: 'gateway',
    logLevel: config.LOG_LEVEL,
    ...(options.logStream ? { logStream: options.logStream } : {}),
    bodyLimit: config.BODY_LIMIT_BYTES,
    trustedProxies: config.TRUSTED_PROXIES,
    serveOpenApi: false,
    // The public port never serves metrics: server.ts starts the internal metrics port.
    metricsRoute: false,
    // Routing, authentication, rate limits and the proxy all see one normalised path, the one
    // the services will route on (request-target.ts); request.originalUrl keeps what was sent.
    fastify: {
      rewriteUrl: (request) => normaliseRequestTarget(request.url ?? '/'),
    },
  });
  const routes = routeTable(config);
  // First of all: a body over the limit is read before anything answers it.
  await app.register(oversizedBodies, { bodyLimit: config.BODY_LIMIT_BYTES });

  // helmet's headers, computed once (an API, not pages: no inline content except on /docs).
  await app.register(securityHeaders, { helmet: SECURITY_HEADER_OPTIONS });
  const allowedOrigins = config.CORS_ORIGINS.split(',')
    .map((o) => o.trim())
    .filter(Boolean);
  await app.register(cors, {
    origin: (origin, callback) =>
      callback(null, !origin || allowedOrigins.includes(origin) ? (origin ?? false) : false),
    credentials: false,
    // What a browser client acts on (the typed client reports a replayed order placement).
    exposedHeaders: [
      'x-request-id',
      'retry-after',
      'ratelimit',
      'ratelimit-policy',
      'location',
      'idempotent-replayed',
    ],
    maxAge: 600,
  });
  await app.register(redisPlugin, { url: config.REDIS_URL });
  await app.register(denylistCachePlugin, { resyncMs: config.DENYLIST_RESYNC_MS });
  await app.register(authenticateRequests, {
    routes,
    jwksUrl: config.AUTH_JWKS_URL,
    jwksCooldownMs: config.JWKS_COOLDOWN_MS,
    issuer: config.AUTH_ISSUER,
    audience: config.AUTH_AUDIENCE,
    unverifiedDeniedRoutes: config.UNVERIFIED_ACCOUNT_DENIED_ROUTES.split(',')
      .map((entry) => entry.trim())
      .filter(Boolean),
  });
  // After authentication (preHandler), so limits apply per user; credential routes per IP.
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    redis: app.redis,
    nameSpace: config.RATE_LIMIT_NAMESPACE,
    timeWindow: 60_000,
    enableDraftSpec: true,
    // Redis trouble must not take the whole API down; it is logged and shows in /readyz.
    skipOnError: true,
    keyGenerator: (request) => {
      const policy = rateLimitPolicyOf(request, routes);
      if (policy === 'credentials') return `credentials:${request.ip}`;
      return policy === 'per-user' ? `user:${request.identity!.userId}` : `ip:${request.ip}`;
    },
    max: (_request, key) =>
      key.startsWith('credentials:')
        ? config.AUTH_RATE_LIMIT_PER_MINUTE
        : config.RATE_LIMIT_PER_MINUTE,
    allowList: (request) => ['/healthz', '/readyz'].includes(request.url),
  });
  await app.register(rateLimitHeaders, { routes, windowSeconds: 60 });
  // Each service's replicas: balanced, ejected on failure by their own circuit breakers.
  await app.register(upstreamPools, {
    routes,
    connectTimeoutMs: config.UPSTREAM_CONNECT_TIMEOUT_MS,
    timeoutMs: config.UPSTREAM_TIMEOUT_MS,
    stallMs: config.UPSTREAM_STALL_MS,
    failureThreshold: config.CIRCUIT_FAILURE_THRESHOLD,
    openMs: config.CIRCUIT_OPEN_MS,
    dnsRefreshMs: config.UPSTREAM_DNS_REFRESH_MS,
  });
  await app.register(apiDocs, { routes });
  await app.register(accountExport, { pools: app.upstreamPools });
  await app.register(adminConsole, { prefix: '/admin', dir: config.CONSOLE_DIR });
  await app.register(proxyRoutes, {
    routes,
    pools: app.upstreamPools,
    bodyLimit: config.BODY_LIMIT_BYTES,
    providerWebhookRatePerSecond: config.PROVIDER_WEBHOOK_RATE_PER_SECOND,
  });
  return app;
}
