import { api } from '../api/api-client';

// Every call the dead-letter screen makes, on the public API through the typed client. Each
// consuming service serves its own under /v1/admin/dead-letters/<service>.

export const DEAD_LETTER_SERVICES = ['order', 'payment', 'notification', 'billing'] as const;
export type DeadLetterService = (typeof DEAD_LETTER_SERVICES)[number];

export const isDeadLetterService = (value: string | null): value is DeadLetterService =>
  (DEAD_LETTER_SERVICES as readonly (string | null)[]).includes(value);

export const DEAD_LETTERS_PER_PAGE = 50;

/** One page of what a service's consumer gave up on, oldest first. */
export async function listDeadLetters(service: DeadLetterService, cursor?: string) {
  const query = { limit: DEAD_LETTERS_PER_PAGE, ...(cursor ? { cursor } : {}) };
  switch (service) {
    case 'order':
      return (await api.GET('/v1/admin/dead-letters/order', { params: { query } })).data!;
    case 'payment':
      return (await api.GET('/v1/admin/dead-letters/payment', { params: { query } })).data!;
    case 'notification':
      return (await api.GET('/v1/admin/dead-letters/notification', { params: { query } })).data!;
    case 'billing':
      return (await api.GET('/v1/admin/dead-letters/billing', { params: { query } })).data!;
  }
}
export type DeadLetter = Awaited<ReturnType<typeof listDeadLetters>>['items'][number];

/** Where a dead letter sits: what replay and discard name it by. */
export const positionOf = (letter: DeadLetter) => ({
  topic: letter.topic,
  partition: letter.partition,
  offset: letter.offset,
});

/** Put one dead letter back on its topic (after its cause is fixed). */
export async function replayDeadLetter(service: DeadLetterService, letter: DeadLetter) {
  const body = positionOf(letter);
  switch (service) {
    case 'order':
      return (await api.POST('/v1/admin/dead-letters/order/replay', { body })).data!;
    case 'payment':
      return (await api.POST('/v1/admin/dead-letters/payment/replay', { body })).data!;
    case 'notification':
      return (await api.POST('/v1/admin/dead-letters/notification/replay', { body })).data!;
    case 'billing':
      return (await api.POST('/v1/admin/dead-letters/billing/replay', { body })).data!;
  }
}
