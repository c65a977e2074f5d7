import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import client from 'prom-client';

/** One Prometheus registry per process, shared by HTTP, messaging and domain metrics. */
export const metricsRegistry = new client.Registry();
client.collectDefaultMetrics({ register: metricsRegistry });

const httpDuration = new client.Histogram({
  name: 'http_server_request_duration_seconds',
  help: 'Duration of HTTP requests handled by this process',
  labelNames: ['method', 'route', 'status_code'],
  buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
  registers: [metricsRegistry],
});

/**
 * A duration histogram of every request, and `/metrics` in Prometheus text format on the
 * app's own port unless `route: false` (then startMetricsServer serves it elsewhere).
 */
export const metrics = fp(
  async (app: FastifyInstance, options: { route?: boolean }) => {
    app.addHook('onResponse', async (request, reply) => {
      const route = request.routeOptions.url ?? 'unmatched';
      if (route === '/metrics') return;
      httpDuration.observe(
        { method: request.method, route, status_code: String(reply.statusCode) },
        reply.elapsedTime / 1000,
      );
    });
    if (options.route === false) return;
    app.get('/metrics', { schema: { hide: true }, logLevel: 'warn' }, async (_request, reply) => {
      reply.type(metricsRegistry.contentType);
      return metricsRegistry.metrics();
    });
  },
  { name: 'switchyard-metrics' },
);
