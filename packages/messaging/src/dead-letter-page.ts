import { createHash } from 'node:crypto';
import {
  cursorParam,
  cursorTimeOf,
  encodeCursor,
  keysetPage,
  type KeysetPosition,
} from '@switchyard/service-kit';
import type { DeadLetter } from './dead-letters.js';

/**
 * A dead letter's place in the list, for the platform's keyset cursor (service-kit
 * keyset-cursor: a time and a UUID): when it was dead-lettered, then a UUID derived from where
 * it sits on its topic (topic, partition, offset), which never changes and names one message.
 * The time is its Kafka timestamp, which may be -1 (none) or from a wrong clock: one a cursor
 * cannot carry counts as the earliest one can, so every page's cursor is taken back.
 */
function positionOf(letter: DeadLetter): KeysetPosition {
  const hash = createHash('sha256')
    .update(`${letter.deadLetterTopic}/${letter.partition}/${letter.offset}`)
    .digest('hex');
  // RFC 9562 version 8 (custom) with the RFC variant: a well-formed UUID made of the hash.
  const variant = ((parseInt(hash[16]!, 16) & 0x3) | 0x8).toString(16);
  const id = `${hash.slice(0, 8)}-${hash.slice(8, 12)}-8${hash.slice(13, 16)}-${variant}${hash.slice(17, 20)}-${hash.slice(20, 32)}`;
  return { createdAt: cursorTimeOf(letter.writtenAt), id };
}

const compare = (a: KeysetPosition, b: KeysetPosition) =>
  a.createdAt.getTime() - b.createdAt.getTime() || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * One page of dead letters, oldest first across all the topics read, after `cursor` (a
 * malformed cursor is a 400), and the cursor of the next page (null on the last). Dead-letter
 * topics are read whole (they are small and waiting for a person), so the page is cut here.
 */
export function pageOfDeadLetters(
  letters: DeadLetter[],
  options: { limit: number; cursor?: string },
): { items: DeadLetter[]; nextCursor: string | null } {
  const after = cursorParam(options.cursor);
  const ordered = letters
    .map((letter) => ({ letter, position: positionOf(letter) }))
    .filter(({ position }) => !after || compare(position, after) > 0)
    .sort((a, b) => compare(a.position, b.position));
  const { items, nextCursor } = keysetPage(ordered, options.limit, (last) =>
    encodeCursor(last.position),
  );
  return { items: items.map(({ letter }) => letter), nextCursor };
}
