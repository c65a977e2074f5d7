import { createHash } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { IdempotencyRecords } from '../idempotency.js';
import { idempotencyKeyOf } from '../request-context.js';

/** What makes two requests "the same" under one key: the method, the path and the params. */
const fingerprintOf = (request: FastifyRequest) =>
  createHash('sha256')
    .update(JSON.stringify([request.method, request.url.split('?')[0], request.body ?? {}]))
    .digest('hex');

/**
 * `Idempotency-Key` on the POST and DELETE routes of this scope, as Stripe does: the first
 * answer (a 200, or a 402 decline) is remembered with its status and body, journalled, and
 * replayed exactly to a retry with the same parameters; other parameters under the key are a
 * 400 idempotency_error. Returns the check, for a route to repeat after a delay of its own.
 */
export function idempotentRequests(app: FastifyInstance, records: IdempotencyRecords) {
  const replayed = new WeakSet<FastifyRequest>();

  /** Answer with the remembered answer, if there is one; whether it did. */
  const replay = (request: FastifyRequest, reply: FastifyReply): boolean => {
    const key = idempotencyKeyOf(request);
    if (!key || (request.method !== 'POST' && request.method !== 'DELETE')) return false;
    const earlier = records.replay(key, fingerprintOf(request));
    if (!earlier) return false;
    replayed.add(request);
    if (earlier.requestId) reply.header('request-id', earlier.requestId);
    reply
      .status(earlier.status)
      .header('idempotent-replayed', 'true')
      .type('application/json')
      .send(earlier.body);
    return true;
  };

  app.addHook('preHandler', async (request, reply) => {
    if (replay(request, reply)) return reply;
  });
  app.addHook('onSend', async (request, reply, payload) => {
    const key = idempotencyKeyOf(request);
    if (!key || replayed.has(request) || typeof payload !== 'string') return payload;
    if (request.method !== 'POST' && request.method !== 'DELETE') return payload;
    if (reply.statusCode === 200 || reply.statusCode === 402)
      records.remember(key, fingerprintOf(request), {
        status: reply.statusCode,
        body: payload,
        requestId: request.stripeRequestId,
      });
    return payload;
  });

  /** The attempt number under this request's key (or its parameters, without a key). */
  const attemptOf = (request: FastifyRequest) =>
    records.attempt(idempotencyKeyOf(request) ?? `params:${fingerprintOf(request)}`);

  return { replay, attemptOf };
}
