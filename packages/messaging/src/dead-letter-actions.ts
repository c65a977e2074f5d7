import { recordAuditEvent, type AuditContext, type AuditTarget } from '@switchyard/audit';
import type { Kafka } from 'kafkajs';
import {
  claimDeadLetters,
  markReplayed,
  positionKeyOf,
  releaseClaims,
} from './dead-letter-dispositions.js';
import { republishDeadLetters, type ReadDeadLetter } from './dead-letters.js';
import type { TransactionalSqlClient } from './sql-client.js';

/** Where and by whom dead letters are replayed or discarded, and how the trail names them. */
export interface DeadLetterActionContext {
  db: TransactionalSqlClient;
  kafka: Kafka;
  /** The service's audit stream (its name, ADR 18). */
  stream: string;
  by: AuditContext;
  /** The audit target of a dead letter: its position as the admin API names it. */
  targetOf(letter: ReadDeadLetter): AuditTarget;
  /** What every entry of this action carries besides the letter (a bulk action's filter). */
  details?: Record<string, unknown>;
}

// A bulk action records up to a thousand entries in one transaction.
const BULK_TRANSACTION = { timeout: 120_000, maxWait: 10_000 };

const handledByOf = ({ actor }: AuditContext) => `${actor.type}:${actor.id ?? ''}`;

function letterDetails(letter: ReadDeadLetter, extra?: Record<string, unknown>) {
  return {
    eventId: letter.eventId,
    eventType: letter.eventType,
    reason: letter.reason,
    consumerGroup: letter.consumerGroup,
    ...extra,
  };
}

/**
 * Replay dead letters, each recorded in the service's audit trail, in an order that never
 * loses the entry of a replay that happened (ADR 18, "Dead-letter replays"):
 * 1. one transaction claims each position (`replay_requested`; a position claimed before is
 *    skipped) and records `dead_letter.replay_requested` for it — committed before anything is
 *    sent, so a replay that reaches Kafka always has its entry, even if the process dies after;
 * 2. the claimed letters are produced one at a time;
 * 3. those Kafka acknowledged are marked `replayed`; if a send fails, the ones not sent are
 *    released and recorded as `dead_letter.replay_failed` (with the error) in one transaction,
 *    and the error goes up.
 * Returns the letters replayed here (those claimed by a concurrent request are not).
 */
export async function replayDeadLetters(
  context: DeadLetterActionContext,
  letters: ReadDeadLetter[],
): Promise<ReadDeadLetter[]> {
  const { db, stream, by } = context;
  const claimed = await db.$transaction(async (tx) => {
    const keys = await claimDeadLetters(tx, letters, 'replay_requested', handledByOf(by));
    const mine = letters.filter((letter) => keys.has(positionKeyOf(letter)));
    // Last in the transaction: the stream's lock is held until the commit (recordAuditEvent).
    for (const letter of mine) {
      await recordAuditEvent(tx, {
        ...by,
        stream,
        action: 'dead_letter.replay_requested',
        target: context.targetOf(letter),
        details: letterDetails(letter, context.details),
      });
    }
    return mine;
  }, BULK_TRANSACTION);

  const sent: ReadDeadLetter[] = [];
  try {
    await republishDeadLetters(context.kafka, claimed, (letter) => sent.push(letter));
  } catch (error) {
    const unsent = claimed.slice(sent.length);
    await db.$transaction(async (tx) => {
      await releaseClaims(tx, unsent);
      for (const letter of unsent) {
        await recordAuditEvent(tx, {
          ...by,
          stream,
          action: 'dead_letter.replay_failed',
          target: context.targetOf(letter),
          details: letterDetails(letter, {
            ...context.details,
            error: (error as Error).message.slice(0, 500),
          }),
        });
      }
    }, BULK_TRANSACTION);
    await markReplayed(db, sent).catch(() => {});
    throw error;
  }
  // Only bookkeeping: a row left at replay_requested is hidden and refuses a replay all the same.
  await markReplayed(db, sent).catch(() => {});
  return sent;
}

/**
 * Discard dead letters: each position is marked `discarded` (it leaves the list, and may not
 * be replayed) and recorded as `dead_letter.discarded`, in one transaction. Nothing is sent or
 * deleted from Kafka (the dead-letter topic's retention removes it). Returns the letters
 * discarded here (those handled before or by a concurrent request are not).
 */
export async function discardDeadLetters(
  context: Omit<DeadLetterActionContext, 'kafka'>,
  letters: ReadDeadLetter[],
): Promise<ReadDeadLetter[]> {
  const { db, stream, by } = context;
  return db.$transaction(async (tx) => {
    const keys = await claimDeadLetters(tx, letters, 'discarded', handledByOf(by));
    const mine = letters.filter((letter) => keys.has(positionKeyOf(letter)));
    for (const letter of mine) {
      await recordAuditEvent(tx, {
        ...by,
        stream,
        action: 'dead_letter.discarded',
        target: context.targetOf(letter),
        details: letterDetails(letter, context.details),
      });
    }
    return mine;
  }, BULK_TRANSACTION);
}
