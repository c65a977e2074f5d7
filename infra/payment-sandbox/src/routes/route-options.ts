import type { FastifyReply, FastifyRequest } from 'fastify';
import type { Sandbox } from '../sandbox.js';

/** What every Stripe API route plugin is given. */
export interface RouteOptions {
  sandbox: Sandbox;
  /** Answer with the remembered answer of this request's idempotency key (after a delay). */
  replay: (request: FastifyRequest, reply: FastifyReply) => boolean;
  /** The attempt number of this request under its idempotency key. */
  attemptOf: (request: FastifyRequest) => number;
}

export interface IdParams {
  Params: { id: string };
}
