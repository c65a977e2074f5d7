import type { EventEnvelope } from '@switchyard/contracts';
import { isTransientError } from '@switchyard/service-kit';
import type { EachBatchPayload, KafkaMessage, Producer } from 'kafkajs';
import { abortableSleep, backoffMs } from './abortable-sleep.js';
import type { ConsumerMetrics } from './consumer-metrics.js';
import { sendToDeadLetterTopic, type ConsumedMessage } from './dead-letter-producer.js';
import type { AnyEventHandler, EventApplier, EventSource } from './event-applier.js';
import type { Logger } from './logger.js';

/**
 * How long a consumer waits before trying a message again after an infrastructure failure:
 * exponential from `baseMs`, capped at `maxMs` (5 s). The cap bounds how long the saga stays
 * held up after the database or broker is back — a 30 s cap turned a 5 s PostgreSQL restart
 * into 34 s without payments — while one cheap retry every few seconds costs nothing.
 */
export function transientRetryDelayMs(attempt: number, baseMs = 200, maxMs = 5_000): number {
  return backoffMs(attempt, baseMs, maxMs);
}

export interface RetryPolicyOptions {
  /** Attempts before a message that fails for its own reasons goes to the dead-letter topic. */
  maxAttempts?: number;
  retryBaseDelayMs?: number;
  /** Longest wait between two attempts at a message the infrastructure keeps failing. */
  maxRetryDelayMs?: number;
}

/** What to do after an attempt at a message failed. */
export type RetryDecision =
  | { action: 'retry'; delayMs: number; transient: boolean; attempt: number }
  | { action: 'dead-letter'; attempt: number };

/**
 * The retry policy for one message: infrastructure failures (database restart, timeouts) are
 * retried with backoff for as long as they last, holding the partition; failures of the
 * message itself are retried `maxAttempts` times, then the message is dead-lettered.
 */
export class MessageRetries {
  private failures = 0;
  private transientFailures = 0;

  constructor(private readonly options: RetryPolicyOptions) {}

  decide(error: unknown): RetryDecision {
    if (isTransientError(error)) {
      this.transientFailures++;
      return {
        action: 'retry',
        transient: true,
        attempt: this.transientFailures,
        delayMs: transientRetryDelayMs(
          this.transientFailures,
          this.options.retryBaseDelayMs,
          this.options.maxRetryDelayMs,
        ),
      };
    }
    this.failures++;
    if (this.failures >= (this.options.maxAttempts ?? 5))
      return { action: 'dead-letter', attempt: this.failures };
    return {
      action: 'retry',
      transient: false,
      attempt: this.failures,
      delayMs: backoffMs(this.failures, this.options.retryBaseDelayMs ?? 200, 5_000),
    };
  }
}

/** Thrown out of a message's handling to leave it uncommitted (shutdown). */
export class NotCommitted extends Error {
  override name = 'NotCommitted';
}

/** A message that parsed and has a handler: it waits to be applied. */
export interface Pending {
  message: KafkaMessage;
  event: EventEnvelope;
  handler: AnyEventHandler;
  from: EventSource;
}

export interface RetryingHandlerOptions extends RetryPolicyOptions {
  applier: EventApplier;
  dlqProducer: Producer;
  logger: Logger;
  metrics: ConsumerMetrics;
  groupId: string;
  /** Aborted on shutdown: ends waits; the message is left uncommitted (NotCommitted). */
  signal: AbortSignal;
  heartbeatIntervalMs: number;
}

/**
 * Applies one message's event under the retry policy (MessageRetries), heartbeating while it
 * waits between attempts, and dead-letters what fails every attempt or is not a valid event.
 */
export class RetryingHandler {
  constructor(private readonly options: RetryingHandlerOptions) {}

  private get stopping(): boolean {
    return this.options.signal.aborted;
  }

  /** Apply the event (retrying), or dead-letter it; throws NotCommitted when stopping. */
  async handle(item: Pending, batch: Pick<EachBatchPayload, 'heartbeat'>): Promise<void> {
    const { applier, metrics, logger: log } = this.options;
    const { event, handler, from, message } = item;
    const labels = { topic: from.topic, event: event.name };
    const retries = new MessageRetries(this.options);
    const handlingStarted = performance.now();
    for (;;) {
      if (this.stopping) throw new NotCommitted('consumer stopping; message left for redelivery');
      try {
        const applied = await applier.applyOne(handler, event, from);
        metrics.processed.inc({ ...labels, outcome: applied ? 'applied' : 'duplicate' });
        metrics.handling.observe(labels, (performance.now() - handlingStarted) / 1000);
        return;
      } catch (error) {
        if (this.stopping) throw new NotCommitted('consumer stopping; message left for redelivery');
        const decision = retries.decide(error);
        const where = { ...from, eventId: event.id, event: event.name, subject: event.subject };
        if (decision.action === 'dead-letter') {
          metrics.retries.inc({ ...labels, kind: 'failed' });
          log.error(
            { ...where, err: error, attempt: decision.attempt },
            'event failed every attempt; sent to dead-letter topic',
          );
          await this.deadLetter({ ...from, message }, (error as Error).message);
          metrics.processed.inc({ ...labels, outcome: 'dead_lettered' });
          return;
        }
        metrics.retries.inc({ ...labels, kind: decision.transient ? 'transient' : 'failed' });
        if (decision.transient) {
          log.warn(
            { ...where, err: error, attempt: decision.attempt, retryInMs: decision.delayMs },
            'infrastructure failure; retrying without committing',
          );
        } else {
          log.warn(
            { ...where, err: error, attempt: decision.attempt },
            'event handling failed; retrying',
          );
        }
        await this.waitHeartbeating(batch, decision.delayMs);
      }
    }
  }

  /** A message that is not a valid event goes to the dead-letter topic at once. */
  async deadLetterInvalid(message: KafkaMessage, from: EventSource, reason: string): Promise<void> {
    this.options.logger.warn({ ...from, reason }, 'invalid message sent to dead-letter topic');
    await this.deadLetter({ ...from, message }, reason);
    this.options.metrics.processed.inc({
      topic: from.topic,
      event: 'invalid',
      outcome: 'dead_lettered',
    });
  }

  /**
   * Wait before the next attempt, heartbeating; a heartbeat that reports a rebalance ends the
   * wait with an error so kafkajs rejoins and the message, uncommitted, goes to its new owner.
   */
  private async waitHeartbeating(
    batch: Pick<EachBatchPayload, 'heartbeat'>,
    ms: number,
  ): Promise<void> {
    const until = Date.now() + ms;
    while (!this.stopping && Date.now() < until) {
      await abortableSleep(
        Math.min(this.options.heartbeatIntervalMs, until - Date.now()),
        this.options.signal,
      );
      await batch.heartbeat();
    }
  }

  private deadLetter(consumed: ConsumedMessage, reason: string): Promise<void> {
    return sendToDeadLetterTopic(this.options.dlqProducer, consumed, reason, this.options.groupId);
  }
}
