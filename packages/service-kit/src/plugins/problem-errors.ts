import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldError } from '../errors.js';
import { buildProblem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../problem.js';
import { isTransientError } from '../transient-error.js';

function send(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

const REALM = 'switchyard';
/** A database restart or failover is over in seconds. */
const UNAVAILABLE_RETRY_AFTER_SECONDS = 2;
const quoted = (value: string) => `"${value.replace(/["\\]/g, "'")}"`;

/**
 * RFC 9110 §15.5.2: a 401 carries a challenge. RFC 6750 §3: the Bearer scheme, naming the
 * error when a token was presented and refused.
 */
function challenge(error: AppError): string | undefined {
  if (error.status === 401) {
    const parts = [`realm=${quoted(REALM)}`];
    if (error.bearerError) {
      parts.push(`error=${quoted(error.bearerError)}`);
      if (error.detail) parts.push(`error_description=${quoted(error.detail)}`);
    }
    return `Bearer ${parts.join(', ')}`;
  }
  if (error.status === 403 && error.bearerError === 'insufficient_scope') {
    return `Bearer realm=${quoted(REALM)}, error="insufficient_scope"`;
  }
  return undefined;
}

// The methods a resource may answer, for the Allow header of a 405. OPTIONS is left out: CORS
// answers it on every path, which says nothing about whether the path exists.
const METHODS = ['GET', 'HEAD', 'POST', 'PUT', 'PATCH', 'DELETE'] as const;

function validationErrors(error: FastifyError): FieldError[] {
  return (error.validation ?? []).map((v) => {
    const params = v.params as Record<string, unknown>;
    const extra = params.additionalProperty ?? params.missingProperty;
    const base = `${error.validationContext ?? 'body'}${v.instancePath}`;
    return {
      path: extra ? `${base}/${String(extra)}` : base,
      message: v.message ?? 'is invalid',
    };
  });
}

/**
 * Every error leaves as RFC 9457 problem+json with a stable code. Client errors say what
 * was wrong; server errors are logged in full and leave with a generic message only.
 */
export const problemErrors = fp(
  async (app: FastifyInstance) => {
    app.setErrorHandler((error: FastifyError, request: FastifyRequest, reply: FastifyReply) => {
      const base = { instance: request.url, requestId: request.id };
      if (error instanceof AppError) {
        if (error.status >= 500) request.log.error({ err: error }, 'request failed');
        const wwwAuthenticate = challenge(error);
        if (wwwAuthenticate) reply.header('www-authenticate', wwwAuthenticate);
        // RFC 9110 §10.2.3: say when to come back, unless the thrower already did.
        if (error.status === 503 && !reply.hasHeader('retry-after'))
          reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
        return send(
          reply,
          buildProblem({
            ...base,
            status: error.status,
            code: error.code,
            detail: error.detail,
            errors: error.errors,
          }),
        );
      }
      if (error.validation) {
        const errors = validationErrors(error);
        return send(
          reply,
          buildProblem({
            ...base,
            status: 400,
            code: 'VALIDATION_FAILED',
            detail: errors.map((e) => `${e.path} ${e.message}`).join('; '),
            errors,
          }),
        );
      }
      if (isTransientError(error)) {
        // The database or another dependency is briefly away (a restart, a failover, a full
        // pool): nothing is wrong with the request, so tell the client when to come back.
        request.log.warn({ err: error }, 'a dependency is unavailable');
        reply.header('retry-after', String(UNAVAILABLE_RETRY_AFTER_SECONDS));
        return send(
          reply,
          buildProblem({
            ...base,
            status: 503,
            code: 'UNAVAILABLE',
            detail: `A dependency is briefly unavailable; retry after ${UNAVAILABLE_RETRY_AFTER_SECONDS} s`,
          }),
        );
      }
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'unhandled error');
        // Safe to show: says what happened and what to do, nothing about our internals.
        return send(
          reply,
          buildProblem({
            ...base,
            status,
            detail: `The request could not be completed; retry later or quote requestId ${request.id} to support`,
          }),
        );
      }
      if (status === 429) {
        return send(
          reply,
          buildProblem({ ...base, status, detail: 'Rate limit exceeded, retry later' }),
        );
      }
      return send(reply, buildProblem({ ...base, status, detail: error.message }));
    });

    app.setNotFoundHandler((request, reply) => {
      const path = request.url.split('?')[0]!;
      // RFC 9110 §15.5.6: a path that exists with other methods is a 405 naming them.
      const allowed = METHODS.filter((method) => request.server.findRoute({ method, url: path }));
      if (allowed.length > 0) {
        reply.header('allow', allowed.join(', '));
        return send(
          reply,
          buildProblem({
            status: 405,
            code: 'METHOD_NOT_ALLOWED',
            detail: `${request.method} is not allowed on ${path}; allowed: ${allowed.join(', ')}`,
            instance: request.url,
            requestId: request.id,
          }),
        );
      }
      return send(
        reply,
        buildProblem({
          status: 404,
          code: 'NOT_FOUND',
          detail: `No route for ${request.method} ${path}`,
          instance: request.url,
          requestId: request.id,
        }),
      );
    });
  },
  { name: 'switchyard-problem-errors' },
);
