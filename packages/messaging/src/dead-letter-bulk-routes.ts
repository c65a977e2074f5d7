import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { problemResponse, requireRole } from '@switchyard/service-kit';
import { discardDeadLetters, replayDeadLetters } from './dead-letter-actions.js';
import { deadLetterMatcher } from './dead-letter-filter.js';
import { actionContextOf, asProblem } from './dead-letter-request.js';
import {
  DiscardMatchingResult,
  MatchingAction,
  ReplayMatchingResult,
} from './dead-letter-schemas.js';
import type { ServiceDeadLetters } from './service-dead-letters.js';
import type { TransactionalSqlClient } from './sql-client.js';

// The items an answer shows; the action itself takes up to the request's limit.
const SHOWN = 100;

/**
 * Replay or discard every pending dead letter a filter matches, oldest first, up to a limit;
 * a dry run only counts them and shows the first ones. Each dead letter acted on gets its own
 * entry in the audit trail (with the filter), so a search by target finds it like a single one.
 */
export async function deadLetterBulkRoutes(
  fastify: FastifyInstance,
  options: { letters: ServiceDeadLetters; db: TransactionalSqlClient; base: string; name: string },
) {
  const { letters, db, base, name } = options;
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const onRequest = [app.authenticate, requireRole('admin')];
  const security = [{ bearerAuth: [] }];

  /** The pending letters the request's filter matches, and the first `limit` of them. */
  async function select(body: MatchingAction) {
    const matches = deadLetterMatcher(body.filter);
    const matched = (await letters.pending(body.filter.topic)).filter(matches);
    return { matched: matched.length, chosen: matched.slice(0, body.limit) };
  }
  const bulkDetails = (body: MatchingAction) => ({ bulk: true, filter: body.filter });

  app.post(
    `${base}/replay-matching`,
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: `replayMatching${name}DeadLetters`,
        summary: 'Replay every pending dead letter a filter matches (or, on a dry run, count them)',
        description:
          'Oldest first, up to `limit`. Each replay is recorded in the service’s audit trail before it is sent.',
        security,
        body: MatchingAction,
        response: { 200: ReplayMatchingResult, 403: problemResponse },
      },
    },
    async (request) => {
      const { matched, chosen } = await select(request.body);
      if (request.body.dryRun)
        return { matched, replayed: 0, items: chosen.slice(0, SHOWN).map(letters.view) };
      let replayed;
      try {
        replayed = await replayDeadLetters(
          actionContextOf(letters, db, request, bulkDetails(request.body)),
          chosen,
        );
      } catch (error) {
        throw asProblem(error);
      }
      request.log.warn({ matched, replayed: replayed.length }, 'dead letters replayed');
      return {
        matched,
        replayed: replayed.length,
        items: replayed.slice(0, SHOWN).map(letters.view),
      };
    },
  );

  app.post(
    `${base}/discard-matching`,
    {
      onRequest,
      schema: {
        tags: ['operations'],
        operationId: `discardMatching${name}DeadLetters`,
        summary:
          'Discard every pending dead letter a filter matches (or, on a dry run, count them)',
        description:
          'Oldest first, up to `limit`. Each discard is recorded in the service’s audit trail.',
        security,
        body: MatchingAction,
        response: { 200: DiscardMatchingResult },
      },
    },
    async (request) => {
      const { matched, chosen } = await select(request.body);
      if (request.body.dryRun)
        return { matched, discarded: 0, items: chosen.slice(0, SHOWN).map(letters.view) };
      const discarded = await discardDeadLetters(
        actionContextOf(letters, db, request, bulkDetails(request.body)),
        chosen,
      );
      return {
        matched,
        discarded: discarded.length,
        items: discarded.slice(0, SHOWN).map(letters.view),
      };
    },
  );
}
