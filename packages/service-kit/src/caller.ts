import type { FastifyRequest } from 'fastify';
import { AppError, insufficientScope } from './errors.js';
import { identityOf, type Identity } from './plugins/jwt-auth.js';

/** The signed-in person making the request; machine clients are refused (403). */
export function userOf(request: FastifyRequest): Identity {
  const identity = identityOf(request);
  if (identity.clientId) throw new AppError('FORBIDDEN', 'This operation needs a signed-in user');
  return identity;
}

/** Refuse a machine client that was not granted `scope` (403). */
export function assertScope(identity: Identity, scope: string): void {
  if (!identity.scopes.includes(scope)) {
    throw insufficientScope(scope);
  }
}
