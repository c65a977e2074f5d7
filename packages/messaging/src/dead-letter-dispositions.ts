import type { DeadLetter } from './dead-letters.js';
import type { SqlClient } from './sql-client.js';

/** What the admin routes did with a dead letter (sql/dead-letter-dispositions.sql). */
export type DeadLetterState = 'replay_requested' | 'replayed' | 'discarded';

/** A dead letter's place on its dead-letter topic, as one string (the disposition's key). */
export const positionKeyOf = (
  letter: Pick<DeadLetter, 'deadLetterTopic' | 'partition' | 'offset'>,
) => `${letter.deadLetterTopic}/${letter.partition}/${letter.offset}`;

type Position = Pick<DeadLetter, 'deadLetterTopic' | 'partition' | 'offset'>;

/** The positions a replay or discard already handled, among those of `deadLetterTopics`. */
export async function handledPositions(
  db: SqlClient,
  deadLetterTopics: string[],
): Promise<Map<string, DeadLetterState>> {
  const rows = await db.$queryRawUnsafe<
    {
      dead_letter_topic: string;
      kafka_partition: number;
      kafka_offset: string;
      state: DeadLetterState;
    }[]
  >(
    `SELECT dead_letter_topic, kafka_partition, kafka_offset::text AS kafka_offset, state
       FROM dead_letter_dispositions WHERE dead_letter_topic = ANY($1::text[])`,
    deadLetterTopics,
  );
  return new Map(
    rows.map((r) => [
      positionKeyOf({
        deadLetterTopic: r.dead_letter_topic,
        partition: r.kafka_partition,
        offset: r.kafka_offset,
      }),
      r.state,
    ]),
  );
}

/**
 * Claim dead letters for a replay or a discard inside the caller's transaction: one row per
 * position, or none where one is already there (handled before, or by a concurrent request).
 * Returns the keys claimed here; the others are someone else's.
 */
export async function claimDeadLetters(
  tx: SqlClient,
  letters: (Position & { eventId: string | null })[],
  state: Exclude<DeadLetterState, 'replayed'>,
  handledBy: string | null,
): Promise<Set<string>> {
  if (letters.length === 0) return new Set();
  const rows = await tx.$queryRawUnsafe<
    { dead_letter_topic: string; kafka_partition: number; kafka_offset: string }[]
  >(
    `INSERT INTO dead_letter_dispositions
       (dead_letter_topic, kafka_partition, kafka_offset, state, event_id, handled_by)
     SELECT t, p, o, $4, e, $5
       FROM unnest($1::text[], $2::int[], $3::bigint[], $6::text[]) AS l(t, p, o, e)
     ON CONFLICT DO NOTHING
     RETURNING dead_letter_topic, kafka_partition, kafka_offset::text AS kafka_offset`,
    letters.map((l) => l.deadLetterTopic),
    letters.map((l) => l.partition),
    letters.map((l) => l.offset),
    state,
    handledBy,
    letters.map((l) => l.eventId),
  );
  return new Set(
    rows.map((r) =>
      positionKeyOf({
        deadLetterTopic: r.dead_letter_topic,
        partition: r.kafka_partition,
        offset: r.kafka_offset,
      }),
    ),
  );
}

/** Kafka acknowledged these replays. */
export async function markReplayed(db: SqlClient, letters: Position[]): Promise<void> {
  if (letters.length === 0) return;
  await db.$executeRawUnsafe(
    `UPDATE dead_letter_dispositions d SET state = 'replayed', handled_at = now()
       FROM unnest($1::text[], $2::int[], $3::bigint[]) AS l(t, p, o)
      WHERE d.dead_letter_topic = l.t AND d.kafka_partition = l.p AND d.kafka_offset = l.o
        AND d.state = 'replay_requested'`,
    letters.map((l) => l.deadLetterTopic),
    letters.map((l) => l.partition),
    letters.map((l) => l.offset),
  );
}

/** These replays were not sent: the dead letters may be replayed again. */
export async function releaseClaims(tx: SqlClient, letters: Position[]): Promise<void> {
  if (letters.length === 0) return;
  await tx.$executeRawUnsafe(
    `DELETE FROM dead_letter_dispositions d
      USING unnest($1::text[], $2::int[], $3::bigint[]) AS l(t, p, o)
      WHERE d.dead_letter_topic = l.t AND d.kafka_partition = l.p AND d.kafka_offset = l.o
        AND d.state = 'replay_requested'`,
    letters.map((l) => l.deadLetterTopic),
    letters.map((l) => l.partition),
    letters.map((l) => l.offset),
  );
}
