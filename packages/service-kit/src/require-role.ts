import type { FastifyRequest } from 'fastify';
import { AppError } from './errors.js';
import { identityOf } from './plugins/jwt-auth.js';

/**
 * An onRequest/preHandler hook (after `app.authenticate`) that lets only callers holding
 * `role` through. Roles come from the verified token, never from the request.
 */
export function requireRole(role: string) {
  return async (request: FastifyRequest): Promise<void> => {
    if (!identityOf(request).roles.includes(role)) {
      throw new AppError('FORBIDDEN', `This operation requires the ${role} role`);
    }
  };
}
