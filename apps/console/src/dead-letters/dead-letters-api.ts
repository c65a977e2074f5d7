import type { operations } from '@switchyard/client';
import { api } from '../api/api-client';

// Every call the dead-letter screen makes, on the public API through the typed client. Each
// consuming service serves the same routes under /v1/admin/dead-letters/<service>.

export const DEAD_LETTER_SERVICES = ['order', 'payment', 'notification', 'billing'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

export const isDeadLetterService = (value: string | null): value is DeadLetterService =>
  (DEAD_LETTER_SERVICES as readonly (string | null)[]).includes(value);

export const DEAD_LETTERS_PER_PAGE = 50;
/** The most one bulk action takes (the API's bound), oldest first; run it again for more. */
const BULK_LIMIT = 1000;

/**
 * A service's dead-letter route. All four services serve the same routes with the same
 * schemas (packages/messaging), so each is typed as the order service's.
 */
const route = <S extends string>(service: DeadLetterService, suffix: S) =>
  `/v1/admin/dead-letters/${service}${suffix}` as `/v1/admin/dead-letters/order${S}`;

/** One page of what a service's consumer gave up on and nobody handled yet, oldest first. */
export async function listDeadLetters(service: DeadLetterService, cursor?: string) {
  const { data } = await api.GET(route(service, ''), {
    params: { query: { limit: DEAD_LETTERS_PER_PAGE, ...(cursor ? { cursor } : {}) } },
  });
  return data!;
}
export type DeadLetter = Awaited<ReturnType<typeof listDeadLetters>>['items'][number];

/** Where a dead letter sits: what replay and discard name it by. */
const positionOf = (letter: DeadLetter) => ({
  topic: letter.topic,
  partition: letter.partition,
  offset: letter.offset,
});

/** Put one dead letter back on its topic (after its cause is fixed). */
export async function replayDeadLetter(service: DeadLetterService, letter: DeadLetter) {
  const { data } = await api.POST(route(service, '/replay'), { body: positionOf(letter) });
  return data!;
}

/** Give up on one dead letter for good: it leaves the list, recorded in the audit trail. */
export async function discardDeadLetter(service: DeadLetterService, letter: DeadLetter) {
  await api.POST(route(service, '/discard'), { body: positionOf(letter) });
}

/** Which dead letters a bulk action takes (every given condition holds). */
export type DeadLetterFilter =
  operations['replayMatchingOrderDeadLetters']['requestBody']['content']['application/json']['filter'];

/** Replay every pending dead letter the filter matches; `dryRun` only counts and shows them. */
export async function replayMatching(
  service: DeadLetterService,
  filter: DeadLetterFilter,
  dryRun: boolean,
) {
  const { data } = await api.POST(route(service, '/replay-matching'), {
    body: { filter, dryRun, limit: BULK_LIMIT },
  });
  return { matched: data!.matched, acted: data!.replayed, items: data!.items };
}

/** Discard every pending dead letter the filter matches; `dryRun` only counts and shows them. */
export async function discardMatching(
  service: DeadLetterService,
  filter: DeadLetterFilter,
  dryRun: boolean,
) {
  const { data } = await api.POST(route(service, '/discard-matching'), {
    body: { filter, dryRun, limit: BULK_LIMIT },
  });
  return { matched: data!.matched, acted: data!.discarded, items: data!.items };
}
export type MatchingResult = Awaited<ReturnType<typeof replayMatching>>;
