import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import { Type } from '@sinclair/typebox';

export type ReadinessCheck = () => Promise<unknown>;
/** Reports how something stands (e.g. `joining`), shown in `/readyz` without deciding it. */
export type StatusReport = () => Promise<Record<string, string>>;

declare module 'fastify' {
  interface FastifyInstance {
    /** Register a dependency that must be reachable for `/readyz` to answer 200. */
    addReadinessCheck(name: string, check: ReadinessCheck): void;
    /**
     * Register something whose state `/readyz` shows but that does not decide readiness: a
     * Kafka consumer joins in the background, and the API serves meanwhile.
     */
    addStatusReport(report: StatusReport): void;
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
    const reports: StatusReport[] = [];
    app.decorate('addReadinessCheck', (name: string, check: ReadinessCheck) => {
      checks.set(name, check);
    });
    app.decorate('addStatusReport', (report: StatusReport) => {
      reports.push(report);
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
        const reported = reports.map(async (report) => {
          try {
            Object.assign(results, await withTimeout(report(), CHECK_TIMEOUT_MS));
          } catch (error) {
            request.log.warn({ err: error }, 'status report failed');
          }
        });
        await Promise.all([
          ...reported,
          ...[...checks].map(async ([name, check]) => {
            try {
              await withTimeout(check(), CHECK_TIMEOUT_MS);
              results[name] = 'ok';
            } catch (error) {
              ready = false;
              results[name] = 'unavailable';
              request.log.warn({ check: name, err: error }, 'readiness check failed');
            }
          }),
        ]);
        return reply
          .status(ready ? 200 : 503)
          .send({ status: ready ? 'ready' : 'not ready', checks: results });
      },
    );
  },
  { name: 'switchyard-health' },
);
