import type { FastifyRequest } from 'fastify';
import type { EventCause } from './events.js';

declare module 'fastify' {
  interface FastifyRequest {
    /** Stripe's `Request-Id` (`req_…`) of this request, also each of its events' `request.id`. */
    stripeRequestId: string;
  }
}

export const idempotencyKeyOf = (request: FastifyRequest): string | undefined => {
  const key = request.headers['idempotency-key'];
  return typeof key === 'string' && key.length > 0 ? key : undefined;
};

/** The request that caused an event. */
export const causeOf = (request: FastifyRequest): EventCause => ({
  id: request.stripeRequestId,
  idempotency_key: idempotencyKeyOf(request) ?? null,
});

/** The sandbox's own address as this client reached it (for the authentication page). */
export const baseUrlOf = (request: FastifyRequest) => `${request.protocol}://${request.host}`;

/** When the request arrived (its onRequest), in ms, before any delay the sandbox adds. */
export const arrivedMs = (request: FastifyRequest, elapsedMs: number) =>
  Math.floor(Date.now() - elapsedMs);
