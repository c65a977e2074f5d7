import { deadLetterReaderGroupPrefixOf, deadLetterTopicOf } from '@switchyard/contracts';
import { AppError } from '@switchyard/service-kit';
import type { Messaging } from './create-messaging.js';
import {
  handledPositions,
  positionKeyOf,
  type DeadLetterState,
} from './dead-letter-dispositions.js';
import type { DeadLetterView } from './dead-letter-schemas.js';
import {
  DeadLetterNotFound,
  findDeadLetter,
  readDeadLetters,
  type DeadLetter,
  type ReadDeadLetter,
} from './dead-letters.js';
import type { SqlClient } from './sql-client.js';

/** A position as the admin API names it: the consumed topic (no namespace), partition, offset. */
export interface ApiPosition {
  topic: string;
  partition: number;
  offset: string;
}

/**
 * One consuming service's dead letters as its admin routes see them: the topics it consumes
 * (named without the namespace), the letters its consumer group gave up on, less those the
 * routes already replayed or discarded (dead_letter_dispositions in its database).
 */
export function serviceDeadLetters(messaging: Messaging, db: SqlClient) {
  if (!messaging.consumes) throw new Error(`${messaging.service} consumes nothing`);
  const { groupId, topics, namespace } = messaging.consumes;
  const kafka = messaging.kafka;
  // The only groups this service's Kafka user may read with besides its own (its ACLs).
  const readerGroupPrefix = deadLetterReaderGroupPrefixOf(messaging.service, namespace);
  const strip = (topic: string) =>
    topic.startsWith(namespace) ? topic.slice(namespace.length) : topic;

  /** The consumed topic a dead letter came from, as the API names it. */
  const topicOf = (letter: DeadLetter) =>
    strip(letter.originalTopic ?? letter.deadLetterTopic.replace(/\.dlt$/, ''));

  /** A topic named in a request, namespaced; one the service does not consume is a 400. */
  const known = (topic: string) => {
    if (!topics.includes(topic))
      throw new AppError('VALIDATION_FAILED', `${messaging.service} does not consume ${topic}`);
    return namespace + topic;
  };

  const view = (letter: DeadLetter): DeadLetterView => ({
    topic: topicOf(letter),
    partition: letter.partition,
    offset: letter.offset,
    key: letter.key,
    eventId: letter.eventId,
    eventType: letter.eventType,
    reason: letter.reason,
    deadLetteredAt: letter.deadLetteredAt,
    payload: letter.payload,
  });

  return {
    service: messaging.service,
    kafka,
    known,
    view,
    /** The audit target of a dead letter: where it sits, as the API's Position names it. */
    targetOf: (letter: DeadLetter) => ({
      type: 'dead_letter',
      id: `${topicOf(letter)}/${letter.partition}/${letter.offset}`,
    }),

    /**
     * The dead letters not yet replayed or discarded, of one consumed topic or all, oldest
     * first (by Kafka timestamp, then position).
     */
    async pending(topic?: string): Promise<ReadDeadLetter[]> {
      const names = topic ? [known(topic)] : topics.map(known);
      const letters: ReadDeadLetter[] = [];
      for (const name of names)
        letters.push(
          ...(await readDeadLetters(kafka, {
            topic: name,
            consumerGroup: groupId,
            readerGroupPrefix,
          })),
        );
      const handled = await handledPositions(db, names.map(deadLetterTopicOf));
      return letters
        .filter((letter) => !handled.has(positionKeyOf(letter)))
        .sort(
          (a, b) =>
            a.writtenAt.getTime() - b.writtenAt.getTime() ||
            a.deadLetterTopic.localeCompare(b.deadLetterTopic) ||
            a.partition - b.partition ||
            Number(BigInt(a.offset) - BigInt(b.offset)),
        );
    },

    /**
     * The dead letter at a position, not yet handled: 404 when there is none, 409 when the
     * routes already replayed or discarded it.
     */
    async find(position: ApiPosition): Promise<ReadDeadLetter> {
      const deadLetterTopic = deadLetterTopicOf(known(position.topic));
      const where = { deadLetterTopic, partition: position.partition, offset: position.offset };
      const state = (await handledPositions(db, [deadLetterTopic])).get(positionKeyOf(where));
      if (state) throw alreadyHandled(position, state);
      try {
        return await findDeadLetter(kafka, { ...where, readerGroupPrefix });
      } catch (error) {
        if (error instanceof DeadLetterNotFound) throw new AppError('NOT_FOUND', error.message);
        throw error;
      }
    },
  };
}

export type ServiceDeadLetters = ReturnType<typeof serviceDeadLetters>;

const handledWords: Record<DeadLetterState, string> = {
  replay_requested: 'is being replayed (or its replay was cut short: see the audit trail)',
  replayed: 'was already replayed',
  discarded: 'was discarded',
};

/** The 409 for a dead letter the routes already handled. */
export function alreadyHandled(position: ApiPosition, state: DeadLetterState | null): AppError {
  const what = state ? handledWords[state] : 'was replayed or discarded meanwhile';
  return new AppError(
    'CONFLICT',
    `the dead letter at ${position.topic} partition ${position.partition} offset ${position.offset} ${what}`,
  );
}
