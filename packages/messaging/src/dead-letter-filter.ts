import { AppError } from '@switchyard/service-kit';
import type { DeadLetter } from './dead-letters.js';
import type { DeadLetterFilter } from './dead-letter-schemas.js';

/** When a dead letter was dead-lettered: its header's time, else its Kafka timestamp. */
function deadLetteredAtOf(letter: DeadLetter): number {
  const stamped = letter.deadLetteredAt ? Date.parse(letter.deadLetteredAt) : NaN;
  return Number.isNaN(stamped) ? letter.writtenAt.getTime() : stamped;
}

/**
 * The test a bulk action applies to each pending dead letter (the topic is chosen before, by
 * reading only that one): the event type exactly, the reason containing a text ignoring case,
 * dead-lettered before a time. A time that is no time is a 400.
 */
export function deadLetterMatcher(filter: DeadLetterFilter): (letter: DeadLetter) => boolean {
  const before =
    filter.deadLetteredBefore === undefined ? undefined : Date.parse(filter.deadLetteredBefore);
  if (before !== undefined && Number.isNaN(before))
    throw new AppError('VALIDATION_FAILED', 'filter.deadLetteredBefore must be a date-time');
  const reason = filter.reasonContains?.toLowerCase();
  return (letter) =>
    (filter.eventType === undefined || letter.eventType === filter.eventType) &&
    (reason === undefined || letter.reason.toLowerCase().includes(reason)) &&
    (before === undefined || deadLetteredAtOf(letter) < before);
}
