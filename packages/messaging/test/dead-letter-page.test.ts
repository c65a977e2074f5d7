// Dead letters are paged with the platform's keyset cursor (a time and an id). Their time is a
// Kafka timestamp, which need not be one a cursor can carry: -1 (none), a producer's clock
// before the platform began or days ahead. Every page's cursor must still be taken back.
import { decodeCursor } from '@switchyard/service-kit';
import { pageOfDeadLetters } from '../src/dead-letter-page.js';
import type { DeadLetter } from '../src/dead-letters.js';

const letter = (offset: number, writtenAt: Date): DeadLetter => ({
  deadLetterTopic: 'switchyard.payments.v1.dlt',
  partition: 0,
  offset: String(offset),
  key: null,
  eventId: `event-${offset}`,
  eventType: null,
  reason: 'test',
  consumerGroup: null,
  originalTopic: 'switchyard.payments.v1',
  originalPartition: 0,
  originalOffset: String(offset),
  deadLetteredAt: null,
  writtenAt,
  payload: null,
});

describe('pageOfDeadLetters', () => {
  const day = 86_400_000;
  const letters = [
    letter(0, new Date(Date.now() - day)),
    letter(1, new Date(-1)),
    letter(2, new Date(Date.UTC(2019, 5, 1))),
    letter(3, new Date(Date.now() + 30 * day)),
    letter(4, new Date(Number('not a timestamp'))),
    letter(5, new Date(Date.now() - 2 * day)),
  ];

  it('issues only cursors it takes back, and pages through every letter once', () => {
    const seen: string[] = [];
    let cursor: string | undefined;
    for (let page = 0; page < 20; page++) {
      const { items, nextCursor } = pageOfDeadLetters(letters, { limit: 1, cursor });
      seen.push(...items.map((l) => l.offset));
      if (!nextCursor) break;
      expect(decodeCursor(nextCursor)).not.toBeNull();
      cursor = nextCursor;
    }
    expect(seen.sort()).toEqual(['0', '1', '2', '3', '4', '5']);
  });

  it('keeps letters with a usable time in time order, after those without one', () => {
    const { items } = pageOfDeadLetters(letters, { limit: 100 });
    const offsets = items.map((l) => l.offset);
    expect(offsets.slice(0, 4).sort()).toEqual(['1', '2', '3', '4']);
    expect(offsets.slice(4)).toEqual(['5', '0']);
  });
});
