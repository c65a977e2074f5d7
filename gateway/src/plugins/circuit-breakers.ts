import type { FastifyInstance, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError } from '@switchyard/service-kit';
import { CircuitBreaker } from '../circuit-breaker.js';
import type { UpstreamRoute } from '../routes/route-table.js';

const upstreamOf = (request: FastifyRequest) =>
  (request.routeOptions.config as { upstreamService?: string } | undefined)?.upstreamService;

/**
 * Answers that say the upstream is down or overloaded. Anything else — a 500 included — is
 * an answer, and a client could provoke it with its own input; it must not let one client
 * open the circuit for everyone.
 */
const UPSTREAM_FAILURE = new Set([502, 503, 504]);

declare module 'fastify' {
  interface FastifyRequest {
    /** The breaker this request holds a place in, until its outcome is recorded. */
    circuit?: CircuitBreaker;
  }
}

/**
 * One breaker per upstream service. A connection error, a timeout, or a 502/503/504 counts as
 * a failure; while a breaker is open the gateway answers 503 at once instead of waiting on a
 * service that is down. The outcome is recorded when the response headers go out (a stream's
 * outcome is known then, not when it ends), and a request whose client goes away first
 * releases its place when its response closes unfinished, so a half-open circuit never waits
 * on an abandoned trial, with a body or without.
 */
export const circuitBreakers = fp(
  async (
    app: FastifyInstance,
    options: {
      routes: UpstreamRoute[];
      failureThreshold: number;
      openMs: number;
      trialTimeoutMs: number;
    },
  ) => {
    const breakers = new Map<string, CircuitBreaker>();
    for (const route of options.routes) {
      if (!breakers.has(route.service)) {
        breakers.set(
          route.service,
          new CircuitBreaker({
            failureThreshold: options.failureThreshold,
            openMs: options.openMs,
            trialTimeoutMs: options.trialTimeoutMs,
          }),
        );
      }
    }

    app.addHook('preHandler', async (request, reply) => {
      const service = upstreamOf(request);
      const breaker = service ? breakers.get(service) : undefined;
      if (!breaker) return;
      if (!breaker.tryAcquire()) {
        reply.header('retry-after', String(Math.ceil(breaker.retryAfterMs() / 1000) || 1));
        throw new AppError('UNAVAILABLE', `The ${service} service is unavailable, retry later`);
      }
      request.circuit = breaker;
      // The response, not the request: Node emits the request's 'close' as soon as its body has
      // been read, long before the upstream answers, so a trial with a body held the half-open
      // slot until the trial timeout. onSend records the outcome and clears request.circuit, so
      // the response's 'close' (emitted once, finished or not) then has nothing to do. A
      // breaker still held here means no answer was sent (the client went away first): nothing
      // was learnt, so the slot is released without an outcome.
      reply.raw.once('close', () => {
        request.circuit?.release();
        request.circuit = undefined;
      });
    });

    app.addHook('onSend', async (request, reply) => {
      const breaker = request.circuit;
      if (!breaker) return;
      request.circuit = undefined;
      if (UPSTREAM_FAILURE.has(reply.statusCode)) breaker.recordFailure();
      else breaker.recordSuccess();
    });
  },
  { name: 'switchyard-circuit-breakers' },
);
