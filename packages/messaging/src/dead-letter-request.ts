import type { FastifyRequest } from 'fastify';
import { auditContextOf } from '@switchyard/audit';
import { AppError, userOf } from '@switchyard/service-kit';
import type { DeadLetterActionContext } from './dead-letter-actions.js';
import { DeadLetterReplayRefused } from './dead-letters.js';
import type { ServiceDeadLetters } from './service-dead-letters.js';
import type { TransactionalSqlClient } from './sql-client.js';

/** What every replay or discard needs: where, who, and how the trail names a dead letter. */
export function actionContextOf(
  letters: ServiceDeadLetters,
  db: TransactionalSqlClient,
  request: FastifyRequest,
  details?: Record<string, unknown>,
): DeadLetterActionContext {
  return {
    db,
    kafka: letters.kafka,
    stream: letters.service,
    by: auditContextOf(request, { type: 'admin', id: userOf(request).userId }),
    targetOf: letters.targetOf,
    ...(details ? { details } : {}),
  };
}

/** A refused produce is the operator's to do with another login (403), not a server fault. */
export function asProblem(error: unknown): unknown {
  return error instanceof DeadLetterReplayRefused
    ? new AppError('FORBIDDEN', error.message)
    : error;
}
