import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';

export type ReadinessCheck = () => Promise<unknown>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Register a dependency that must be reachable for `/readyz` to answer 200. */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
  }
}

const CHECK_TIMEOUT_MS = 2_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out after ${ms} ms`)), ms);
    promise.then(
      (v) => (clearTimeout(timer), resolve(v)),
      (e) => (clearTimeout(timer), reject(e)),
    );
  });
}

const HealthResponse = Type.Object({
  status: Type.String(),
  checks: Type.Optional(Type.Record(Type.String(), Type.String())),
});

/** `/healthz`: the process is alive. `/readyz`: every registered dependency answers. */
export const health = fp(
  async (app: FastifyInstance) => {
    const checks = new Map<string, ReadinessCheck>();
    app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
      checks.set(name, check);
    });

    app.get(
      '/healthz',
      { schema: { hide: true, response: { 200: HealthResponse } }, logLevel: 'warn' },
      async () => ({ status: 'ok' }),
    );

    app.get(
      '/readyz',
      {
        schema: { hide: true, response: { 200: HealthResponse, 503: HealthResponse } },
        logLevel: 'warn',
      },
      async (request, reply) => {
        const results: Record<string, string> = {};
        let ready = true;
        await Promise.all(
          [...checks].map(async ([name, check]) => {
            try {
              await withTimeout(check(), CHECK_TIMEOUT_MS);
              results[name] = 'ok';
            } catch (error) {
              ready = false;
              results[name] = 'unavailable';
              request.log.warn({ check: name, err: error }, 'readiness check failed');
            }
          }),
        );
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not ready', checks: results });
      },
    );
  },
  { name: 'switchyard-health' },
);
