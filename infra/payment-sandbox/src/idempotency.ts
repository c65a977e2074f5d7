import type { Journal } from './journal.js';
import type { JournalRecord } from './store.js';
import { StripeApiError } from './stripe-errors.js';

export interface RememberedAnswer {
  status: number;
  body: string;
  /** The first answer's `Request-Id`, which a replay carries too (as Stripe's do). */
  requestId?: string;
}

/**
 * Remembers each `Idempotency-Key`'s request and answer (status and body, a 402 decline too),
 * journalled like the objects. Attempt counts, which only steer the test cards, are not.
 */
export class IdempotencyRecords {
  private readonly records = new Map<string, RememberedAnswer & { fingerprint: string }>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly journal?: Journal<JournalRecord>) {}

  restore(key: string, fingerprint: string, answer: RememberedAnswer): void {
    this.records.set(key, { fingerprint, ...answer });
  }

  /** Count an attempt under this key and return its number (1 for the first). */
  attempt(key: string): number {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    return n;
  }

  /**
   * The first answer under this key when the request is the same; a different request under a
   * used key is refused, as Stripe does; undefined for a new key.
   */
  replay(key: string, fingerprint: string): RememberedAnswer | undefined {
    const seen = this.records.get(key);
    if (seen && seen.fingerprint !== fingerprint)
      throw new StripeApiError(400, {
        type: 'idempotency_error',
        message:
          'Keys for idempotent requests can only be used with the same parameters they were ' +
          `first used with. Try using a key other than '${key}' if you meant to execute a ` +
          'different request.',
      });
    if (!seen) return undefined;
    const { fingerprint: _fingerprint, ...answer } = seen;
    return answer;
  }

  remember(key: string, fingerprint: string, answer: RememberedAnswer): void {
    this.records.set(key, { fingerprint, ...answer });
    this.journal?.write({ kind: 'answer', key, fingerprint, ...answer });
  }
}
