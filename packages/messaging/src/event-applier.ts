import type { EventEnvelope, EventName } from '@switchyard/contracts';
import { processOnce, wasProcessed } from './inbox.js';
import type { Logger } from './logger.js';
import { outboxWrites } from './outbox.js';
import type { SqlClient, TransactionalSqlClient } from './sql-client.js';
import { withConsumerSpan } from './trace-context.js';

/**
 * How one event type is handled. `prepare` (optional) runs first, outside any transaction,
 * for work that cannot live in one (a call to a payment provider); it must be idempotent.
 * `handle` runs inside the inbox transaction with whatever `prepare` returned.
 */
export interface EventHandler<N extends EventName, P = undefined> {
  prepare?: (event: EventEnvelope<N>, signal: AbortSignal) => Promise<P>;
  handle: (event: EventEnvelope<N>, tx: SqlClient, prepared: P) => Promise<void>;
  /** Runs after `handle`'s transaction committed (e.g. invalidate a cache); not on duplicates. */
  afterCommit?: (event: EventEnvelope<N>) => Promise<void>;
}

/**
 * A handler that records the event in its inbox itself, in the transaction that completes its
 * work (`inbox_events (consumer, event_id, event_type)`, `ON CONFLICT DO NOTHING`), and skips
 * what a recorded event would redo. For a hot path whose work needs its own transactions (a
 * payment provider called under a lock): the applier adds neither the inbox check before it
 * nor the inbox transaction after it — one transaction per event instead of three. Resolves
 * false when the event had been applied already; a throw is retried like any handler's.
 */
export interface SelfRecordingHandler<N extends EventName> {
  applyOnce: (
    event: EventEnvelope<N>,
    inbox: { consumer: string },
    signal: AbortSignal,
  ) => Promise<boolean>;
  /** Runs after `applyOnce` resolved true. */
  afterCommit?: (event: EventEnvelope<N>) => Promise<void>;
}

export type EventHandlers = {
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  [N in EventName]?: EventHandler<N, any>;
};

/** Self-recording handlers by event (EventConsumerOptions.selfRecording). */
export type SelfRecordingHandlers = {
  [N in EventName]?: SelfRecordingHandler<N>;
};

export type AnyEventHandler = EventHandler<EventName, unknown> | SelfRecordingHandler<EventName>;

/** Where an event was read from, for its span and its log line. */
export interface EventSource {
  topic: string;
  partition: number;
  offset: string;
}

export interface EventApplierOptions {
  db: TransactionalSqlClient;
  /** The inbox's consumer name (the consumer group). */
  consumer: string;
  logger: Logger;
  /** Aborted on shutdown: passed to `prepare` (e.g. an in-flight provider call). */
  signal: AbortSignal;
  /** Told after a commit that wrote events to the outbox (wake the relay). */
  onCommitted?: () => void;
}

/**
 * Applies events at most once per consumer: the inbox row and the handler's writes commit in
 * one transaction, so a redelivered event finds its row and does nothing.
 */
export class EventApplier {
  private readonly logApplied: boolean;

  constructor(private readonly options: EventApplierOptions) {
    const log = options.logger as Logger & { isLevelEnabled?: (level: string) => boolean };
    this.logApplied = log.isLevelEnabled?.('info') ?? true;
  }

  /** Apply one event in its own transaction; false when it had been applied already. */
  async applyOne(
    handler: AnyEventHandler,
    event: EventEnvelope,
    from: EventSource,
  ): Promise<boolean> {
    const { db, consumer } = this.options;
    const writesBefore = outboxWrites();
    const applied = await this.inSpan(event, from, async () => {
      if ('applyOnce' in handler)
        return this.logged(
          event,
          from,
          await handler.applyOnce(event, { consumer }, this.options.signal),
        );
      let prepared: unknown = undefined;
      if (handler.prepare) {
        if (await wasProcessed(db, consumer, event.id)) return this.logged(event, from, false);
        prepared = await handler.prepare(event, this.options.signal);
      }
      const done = await processOnce(db, consumer, event, (tx) =>
        handler.handle(event, tx, prepared),
      );
      return this.logged(event, from, done);
    });
    await this.afterCommit(writesBefore, applied ? [[handler, event]] : []);
    return applied;
  }

  /**
   * Apply several events (inbox-transaction handlers without `prepare`), in order, in one transaction: one
   * statement records them all in the inbox, then each new one is handled. Returns, per event,
   * whether it was applied (false: a duplicate, also of an earlier one in the list). Throws if
   * any handler throws; then nothing was applied.
   */
  async applyAll(
    items: { handler: AnyEventHandler; event: EventEnvelope; from: EventSource }[],
  ): Promise<boolean[]> {
    const { db, consumer } = this.options;
    const writesBefore = outboxWrites();
    const applied = await db.$transaction(async (tx: SqlClient) => {
      const inserted = await tx.$queryRawUnsafe<{ event_id: string }[]>(
        `INSERT INTO inbox_events (consumer, event_id, event_type)
         SELECT $1, e.id, e.type FROM unnest($2::text[], $3::text[]) AS e(id, type)
         ON CONFLICT (consumer, event_id) DO NOTHING RETURNING event_id`,
        consumer,
        items.map((i) => i.event.id),
        items.map((i) => i.event.name),
      );
      const fresh = new Set(inserted.map((r) => r.event_id));
      const outcome: boolean[] = [];
      for (const { handler, event, from } of items) {
        const isNew = fresh.delete(event.id); // a second copy in the list is a duplicate
        outcome.push(
          await this.inSpan(event, from, async () => {
            if (isNew) {
              // The consumer groups only handlers that run in the inbox transaction.
              if ('applyOnce' in handler)
                throw new Error(`${event.name}: a self-recording handler is applied on its own`);
              await handler.handle(event, tx, undefined);
            }
            return this.logged(event, from, isNew);
          }),
        );
      }
      return outcome;
    });
    await this.afterCommit(
      writesBefore,
      items.filter((_, i) => applied[i]).map((i) => [i.handler, i.event] as const),
    );
    return applied;
  }

  private inSpan<T>(event: EventEnvelope, from: EventSource, fn: () => Promise<T>): Promise<T> {
    return withConsumerSpan(
      `${from.topic} process`,
      event.traceparent,
      {
        'messaging.system': 'kafka',
        'messaging.destination.name': from.topic,
        'messaging.message.id': event.id,
      },
      fn,
    );
  }

  /** Logged inside the span, so the line carries the producer's trace id. */
  private logged(event: EventEnvelope, from: EventSource, applied: boolean): boolean {
    if (this.logApplied) {
      this.options.logger.info(
        { ...from, eventId: event.id, event: event.name, subject: event.subject },
        applied ? 'event applied' : 'duplicate event ignored',
      );
    }
    return applied;
  }

  private async afterCommit(
    writesBefore: number,
    applied: (readonly [AnyEventHandler, EventEnvelope])[],
  ): Promise<void> {
    // Wake the relay only when something was written to the outbox (most handlers write none).
    if (outboxWrites() !== writesBefore) this.options.onCommitted?.();
    for (const [handler, event] of applied) {
      if (!handler.afterCommit) continue;
      await handler
        .afterCommit(event)
        .catch((error: unknown) =>
          this.options.logger.warn({ err: error, eventId: event.id }, 'after-commit step failed'),
        );
    }
  }
}
