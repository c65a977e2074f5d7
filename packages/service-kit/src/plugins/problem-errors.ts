import type { FastifyError, FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import fp from 'fastify-plugin';
import { AppError, type FieldError } from '../errors.js';
import { buildProblem, PROBLEM_CONTENT_TYPE, type ProblemDetails } from '../problem.js';

function send(reply: FastifyReply, problem: ProblemDetails): FastifyReply {
  return reply.status(problem.status).type(PROBLEM_CONTENT_TYPE).send(problem);
}

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
      const status = error.statusCode && error.statusCode >= 400 ? error.statusCode : 500;
      if (status >= 500) {
        request.log.error({ err: error }, 'unhandled error');
        return send(reply, buildProblem({ ...base, status }));
      }
      if (status === 429) {
        return send(
          reply,
          buildProblem({ ...base, status, detail: 'Rate limit exceeded, retry later' }),
        );
      }
      return send(reply, buildProblem({ ...base, status, detail: error.message }));
    });

    app.setNotFoundHandler((request, reply) =>
      send(
        reply,
        buildProblem({
          status: 404,
          code: 'NOT_FOUND',
          detail: `No route for ${request.method} ${request.url.split('?')[0]}`,
          instance: request.url,
          requestId: request.id,
        }),
      ),
    );
  },
  { name: 'switchyard-problem-errors' },
);
