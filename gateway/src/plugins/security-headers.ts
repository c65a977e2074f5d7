import type { IncomingMessage, ServerResponse } from 'node:http';
import type { FastifyInstance } from 'fastify';
import fp from 'fastify-plugin';
import helmet, { type HelmetOptions } from 'helmet';

/** The gateway's helmet configuration: an API, not pages (swagger-ui sets /docs' own CSP). */
export const SECURITY_HEADER_OPTIONS: HelmetOptions = {
  contentSecurityPolicy: { directives: { defaultSrc: ["'none'"], frameAncestors: ["'none'"] } },
  crossOriginResourcePolicy: { policy: 'same-site' },
};

/**
 * The headers helmet sets with `options`, worked out once. None of ours depends on the request
 * (no CSP nonces, no per-request directives), so running helmet's middleware on every request
 * (as @fastify/helmet does) only repeats the same work: about a dozen header computations and
 * a CSP string built per request.
 */
export function securityHeadersOf(options: HelmetOptions): Record<string, string> {
  const headers: Record<string, string> = {};
  const response = {
    setHeader: (name: string, value: string | number | readonly string[]) => {
      headers[name.toLowerCase()] = String(value);
    },
    removeHeader: (name: string) => {
      delete headers[name.toLowerCase()];
    },
  };
  let failure: unknown;
  helmet(options)(
    {} as IncomingMessage,
    response as unknown as ServerResponse,
    (error?: unknown) => (failure = error),
  );
  if (failure) throw failure instanceof Error ? failure : new Error(String(failure));
  return headers;
}

/**
 * helmet's security headers on every answer, the same as @fastify/helmet would set (a test
 * compares them), from one precomputed object. A route whose config says `securityHeaders:
 * false` (a server-to-server call such as the provider's webhooks) gets none.
 */
export const securityHeaders = fp(
  async (app: FastifyInstance, options: { helmet: HelmetOptions }) => {
    const headers = securityHeadersOf(options.helmet);
    app.addHook('onRequest', (request, reply, done) => {
      const config = request.routeOptions.config as { securityHeaders?: boolean } | undefined;
      if (config?.securityHeaders !== false) reply.headers(headers);
      done();
    });
  },
  { name: 'switchyard-security-headers' },
);
