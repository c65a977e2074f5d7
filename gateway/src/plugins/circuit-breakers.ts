import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@switchyard/service-kit';
import { CircuitBreaker } from '../circuit-breaker.js';
import type { UpstreamRoute } from '../routes/route-table.js';

const upstreamOf = (request: FastifyRequest) =>
  (request.routeOptions.config as { upstreamService?: string } | undefined)?.upstreamService;

declare module 'fastify' {
  interface FastifyRequest {
    circuitRejected?: boolean;
  }
}

/**
 * One breaker per upstream service: a 5xx or an unreachable upstream counts as a failure,
 * and while a breaker is open the gateway answers 503 at once instead of waiting on a
 * service that is down.
 */
export const circuitBreakers = fp(
  async (
    app: FastifyInstance,
    options: { routes: UpstreamRoute[]; failureThreshold: number; openMs: number },
  ) => {
    const breakers = new Map<string, CircuitBreaker>();
    for (const route of options.routes) {
      if (!breakers.has(route.service)) {
        breakers.set(
          route.service,
          new CircuitBreaker({
            failureThreshold: options.failureThreshold,
            openMs: options.openMs,
          }),
        );
      }
    }

    app.addHook('preHandler', async (request, reply) => {
      const service = upstreamOf(request);
      const breaker = service ? breakers.get(service) : undefined;
      if (!breaker || breaker.tryAcquire()) return;
      request.circuitRejected = true;
      reply.header('retry-after', String(Math.ceil(breaker.retryAfterMs() / 1000) || 1));
      throw new AppError('UNAVAILABLE', `The ${service} service is unavailable, retry later`);
    });

    app.addHook('onResponse', async (request, reply) => {
      const service = upstreamOf(request);
      const breaker = service ? breakers.get(service) : undefined;
      if (!breaker || request.circuitRejected) return;
      if (reply.statusCode >= 500) breaker.recordFailure();
      else breaker.recordSuccess();
    });
  },
  { name: 'switchyard-circuit-breakers' },
);
