import { randomUUID } from 'node:crypto';
import { deadLetterTopicOf } from '@switchyard/contracts';
import type { IHeaders, Kafka, KafkaMessage } from 'kafkajs';
import { kafkaProtocolErrorType } from '@switchyard/service-kit';
import { createProducer } from './kafka.js';

/** One message on a dead-letter topic, as an operator needs to see it. */
export interface DeadLetter {
  /** Where it sits on the dead-letter topic: what `replayDeadLetter` takes. */
  deadLetterTopic: string;
  partition: number;
  offset: string;
  key: string | null;
  eventId: string | null;
  eventType: string | null;
  /** Why the consumer gave up on it. */
  reason: string;
  consumerGroup: string | null;
  originalTopic: string | null;
  originalPartition: number | null;
  originalOffset: string | null;
  deadLetteredAt: string | null;
  /** When it was written to the dead-letter topic (its Kafka timestamp). */
  writtenAt: Date;
  /** The event's data as it was sent (JSON), for the operator to judge. */
  payload: string | null;
}

const text = (headers: IHeaders | undefined, name: string): string | null => {
  const raw = headers?.[name];
  const value = Array.isArray(raw) ? raw[0] : raw;
  return value === undefined ? null : value.toString();
};

function describe(deadLetterTopic: string, partition: number, message: KafkaMessage): DeadLetter {
  const h = message.headers;
  const originalPartition = text(h, 'dlt_original_partition');
  return {
    deadLetterTopic,
    partition,
    offset: message.offset,
    key: message.key?.toString() ?? null,
    eventId: text(h, 'ce_id'),
    eventType: text(h, 'ce_type'),
    reason: text(h, 'dlt_reason') ?? 'unknown',
    consumerGroup: text(h, 'dlt_consumer_group'),
    originalTopic: text(h, 'dlt_original_topic'),
    originalPartition: originalPartition === null ? null : Number(originalPartition),
    originalOffset: text(h, 'dlt_original_offset'),
    deadLetteredAt: text(h, 'dlt_at'),
    writtenAt: new Date(Number(message.timestamp)),
    payload: message.value?.toString() ?? null,
  };
}

/**
 * The throw-away groups' names start with this unless the caller names its own prefix (a
 * service's groups must match its Kafka ACLs: contracts' deadLetterReaderGroupPrefixOf).
 */
const defaultReaderGroupPrefix = 'dead-letter-reader-';

/**
 * Every message on a dead-letter topic up to now, read with a throwaway consumer group that
 * is deleted afterwards (kafkajs cannot read by offset without one). Meant for operators:
 * dead-letter topics are small, and this reads one from the start.
 */
async function readAll(
  kafka: Kafka,
  deadLetterTopic: string,
  keep: (partition: number, message: KafkaMessage) => boolean,
  readerGroupPrefix = defaultReaderGroupPrefix,
): Promise<{ partition: number; message: KafkaMessage }[]> {
  const admin = kafka.admin();
  await admin.connect();
  const groupId = `${readerGroupPrefix}${randomUUID()}`;
  try {
    const ends = await admin.fetchTopicOffsets(deadLetterTopic);
    const pending = new Map(
      ends.filter((p) => Number(p.high) > Number(p.low)).map((p) => [p.partition, p.high]),
    );
    const found: { partition: number; message: KafkaMessage }[] = [];
    if (pending.size === 0) return found;
    const consumer = kafka.consumer({ groupId, allowAutoTopicCreation: false });
    await consumer.connect();
    try {
      let done!: () => void;
      const finished = new Promise<void>((resolve) => (done = resolve));
      await consumer.subscribe({ topic: deadLetterTopic, fromBeginning: true });
      await consumer.run({
        eachMessage: async ({ partition, message }) => {
          if (keep(partition, message)) found.push({ partition, message });
          const high = pending.get(partition);
          if (high !== undefined && BigInt(message.offset) + 1n >= BigInt(high)) {
            pending.delete(partition);
            if (pending.size === 0) done();
          }
        },
      });
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([
        finished,
        new Promise((_, reject) => {
          timer = setTimeout(
            () => reject(new Error(`reading ${deadLetterTopic} timed out`)),
            60_000,
          );
        }),
      ]).finally(() => clearTimeout(timer));
    } finally {
      await consumer.disconnect();
    }
    return found.sort(
      (a, b) => a.partition - b.partition || Number(a.message.offset) - Number(b.message.offset),
    );
  } finally {
    await admin.deleteGroups([groupId]).catch(() => {});
    await admin.disconnect();
  }
}

/** A dead letter with the message as it sits on the dead-letter topic (to put it back). */
export interface ReadDeadLetter extends DeadLetter {
  message: KafkaMessage;
}

/**
 * The messages dead-lettered from `topic` (a full, namespaced topic name), optionally only
 * those a given consumer group gave up on, by partition and offset, each with its message.
 */
export async function readDeadLetters(
  kafka: Kafka,
  options: { topic: string; consumerGroup?: string; readerGroupPrefix?: string },
): Promise<ReadDeadLetter[]> {
  const deadLetterTopic = deadLetterTopicOf(options.topic);
  const messages = await readAll(
    kafka,
    deadLetterTopic,
    (_, message) =>
      !options.consumerGroup ||
      text(message.headers, 'dlt_consumer_group') === options.consumerGroup,
    options.readerGroupPrefix,
  );
  return messages.map(({ partition, message }) => ({
    ...describe(deadLetterTopic, partition, message),
    message,
  }));
}

/**
 * The messages dead-lettered from `topic` (a full, namespaced topic name), optionally only
 * those a given consumer group gave up on, by partition and offset; the first `limit`, or all.
 */
export async function listDeadLetters(
  kafka: Kafka,
  options: { topic: string; consumerGroup?: string; limit?: number; readerGroupPrefix?: string },
): Promise<DeadLetter[]> {
  const letters = await readDeadLetters(kafka, options);
  return letters
    .slice(0, options.limit ?? letters.length)
    .map(({ message: _message, ...letter }) => letter);
}

/** The dead letter at a position of its dead-letter topic; DeadLetterNotFound when none is. */
export async function findDeadLetter(
  kafka: Kafka,
  options: {
    deadLetterTopic: string;
    partition: number;
    offset: string;
    readerGroupPrefix?: string;
  },
): Promise<ReadDeadLetter> {
  const [found] = await readAll(
    kafka,
    options.deadLetterTopic,
    (partition, message) => partition === options.partition && message.offset === options.offset,
    options.readerGroupPrefix,
  );
  if (!found) throw new DeadLetterNotFound(options);
  return {
    ...describe(options.deadLetterTopic, found.partition, found.message),
    message: found.message,
  };
}

/**
 * Put dead letters back on their original topics, key, value and headers as they were (minus
 * the dead-letter bookkeeping, plus where each was replayed from), one at a time in the order
 * given, each acknowledged by every in-sync replica before the next. Every consumer group of
 * the topic sees it again; those that had applied it find it in their inbox and skip it.
 * `onSent` is told of each one sent; the first failure stops it and is thrown (the ones before
 * it were sent, it and the ones after were not, as far as the producer knows).
 */
export async function republishDeadLetters(
  kafka: Kafka,
  letters: ReadDeadLetter[],
  onSent: (letter: ReadDeadLetter) => void = () => {},
): Promise<void> {
  if (letters.length === 0) return;
  const producer = createProducer(kafka, { idempotent: true, maxInFlightRequests: 1 });
  await producer.connect();
  try {
    for (const letter of letters) {
      if (!letter.originalTopic)
        throw new Error('the dead letter does not name its original topic');
      const headers = Object.fromEntries(
        Object.entries(letter.message.headers ?? {}).filter(([name]) => !name.startsWith('dlt_')),
      ) as IHeaders;
      headers.dlt_replayed_from = `${letter.deadLetterTopic}/${letter.partition}/${letter.offset}`;
      try {
        await producer.send({
          topic: letter.originalTopic,
          acks: -1,
          messages: [{ key: letter.message.key, value: letter.message.value, headers }],
        });
      } catch (error) {
        if (kafkaProtocolErrorType(error) === 'TOPIC_AUTHORIZATION_FAILED')
          throw new DeadLetterReplayRefused(letter.originalTopic);
        throw error;
      }
      onSent(letter);
    }
  } finally {
    await producer.disconnect();
  }
}

/**
 * Put a dead-lettered message back on its original topic (republishDeadLetters). Returns the
 * replayed message as it was on the dead-letter topic. Records nothing: the admin routes
 * record each replay in the service's database (dead-letter-actions.ts); this is the
 * operator's command line's way, for a login the service does not have.
 */
export async function replayDeadLetter(
  kafka: Kafka,
  options: {
    deadLetterTopic: string;
    partition: number;
    offset: string;
    readerGroupPrefix?: string;
  },
): Promise<DeadLetter> {
  const found = await findDeadLetter(kafka, options);
  await republishDeadLetters(kafka, [found]);
  const { message: _message, ...letter } = found;
  return letter;
}

/**
 * The Kafka login may not write the original topic: with ACLs (production) a consumer may
 * write only its own topics, so replaying another service's event needs an operator's login.
 */
export class DeadLetterReplayRefused extends Error {
  override name = 'DeadLetterReplayRefused';
  constructor(readonly topic: string) {
    super(
      `this Kafka login may not write ${topic}: replay it with switchyard-dead-letters and a login ` +
        'allowed to write that topic (docs/operations.md, "Dead letters")',
    );
  }
}

export class DeadLetterNotFound extends Error {
  override name = 'DeadLetterNotFound';
  constructor(where: { deadLetterTopic: string; partition: number; offset: string }) {
    super(
      `no message at ${where.deadLetterTopic} partition ${where.partition} offset ${where.offset}`,
    );
  }
}
