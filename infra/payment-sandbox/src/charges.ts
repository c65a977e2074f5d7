import { AppError } from '@switchyard/service-kit';
import { randomBytes } from 'node:crypto';
import type { Journal } from './journal.js';

export interface Refund {
  id: string;
  object: 'refund';
  charge: string;
  amount: number;
  status: 'succeeded';
  metadata: Record<string, string>;
  created: number;
}

export interface Charge {
  id: string;
  object: 'charge';
  amount: number;
  currency: string;
  status: 'pending' | 'succeeded' | 'failed';
  failure_code: string | null;
  payment_method: string;
  metadata: Record<string, string>;
  amount_refunded: number;
  refunds: Refund[];
  created: number;
  /**
   * A sandbox extension (no Stripe field): when the charge was made, in milliseconds. `created`
   * counts whole seconds, too coarse to tell whether a charge came before or after an event in
   * the same second.
   */
  created_ms: number;
  /**
   * A sandbox extension (no Stripe field): when the request that made the charge arrived, in
   * milliseconds — before any delay the test method adds (a hang, a slow answer), so it can be
   * well before `created_ms`. The cross-database consistency check (packages/testing) compares
   * it with the order's recorded cancellation: no charge may be requested after it, while a
   * request that was in doubt (its client gave up) may still become a charge after it.
   */
  requested_ms: number;
}

export type ChargeEventType =
  'charge.pending' | 'charge.succeeded' | 'charge.failed' | 'charge.refunded';

export const newId = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;
const nowSeconds = () => Math.floor(Date.now() / 1000);

/** A refund asks for more than is left to refund, or for a charge that holds no money. */
export class RefundNotAllowed extends Error {
  override name = 'RefundNotAllowed';
  constructor(
    message: string,
    readonly kind: 'not_captured' | 'exceeds_captured',
  ) {
    super(message);
  }
}

/** What the sandbox journals: the latest state of a charge, or an idempotent answer. */
export type JournalRecord =
  | { kind: 'charge'; charge: Charge }
  | { kind: 'answer'; key: string; fingerprint: string; answer: unknown };

/**
 * The sandbox's ledger. Every change to a charge is journalled (when a journal file is set), so
 * a restarted sandbox still knows the charges it made. Charges keep their creation order for
 * the list API.
 */
export class ChargeLedger {
  private readonly charges = new Map<string, Charge>();

  constructor(private readonly journal?: Journal<JournalRecord>) {}

  /** Take back a charge from the journal at start. */
  restore(charge: Charge): void {
    this.charges.set(charge.id, charge);
  }

  private saved(charge: Charge): Charge {
    this.journal?.write({ kind: 'charge', charge });
    return charge;
  }

  create(input: {
    amount: number;
    currency: string;
    paymentMethod: string;
    metadata: Record<string, string>;
    /** When the request arrived (ms). */
    requestedMs: number;
  }): Charge {
    const now = Date.now();
    const charge: Charge = {
      id: newId('ch'),
      object: 'charge',
      amount: input.amount,
      currency: input.currency,
      status: 'pending',
      failure_code: null,
      payment_method: input.paymentMethod,
      metadata: input.metadata,
      amount_refunded: 0,
      refunds: [],
      created: Math.floor(now / 1000),
      created_ms: now,
      requested_ms: input.requestedMs,
    };
    this.charges.set(charge.id, charge);
    return this.saved(charge);
  }

  get(id: string): Charge | undefined {
    return this.charges.get(id);
  }

  /** Settle a pending charge; a settled one keeps its outcome. Returns whether it changed. */
  settle(charge: Charge, outcome: 'succeeded' | { failed: string }): boolean {
    if (charge.status !== 'pending') return false;
    if (outcome === 'succeeded') charge.status = 'succeeded';
    else {
      charge.status = 'failed';
      charge.failure_code = outcome.failed;
    }
    this.saved(charge);
    return true;
  }

  refund(charge: Charge, amount: number, metadata: Record<string, string>): Refund {
    if (charge.status !== 'succeeded')
      throw new RefundNotAllowed(`charge ${charge.id} is ${charge.status}`, 'not_captured');
    if (amount > charge.amount - charge.amount_refunded)
      throw new RefundNotAllowed(
        `${amount} exceeds the ${charge.amount - charge.amount_refunded} left to refund`,
        'exceeds_captured',
      );
    const refund: Refund = {
      id: newId('re'),
      object: 'refund',
      charge: charge.id,
      amount,
      status: 'succeeded',
      metadata,
      created: nowSeconds(),
    };
    charge.refunds.push(refund);
    charge.amount_refunded += amount;
    this.saved(charge);
    return refund;
  }

  /** Charges not settled yet. */
  pending(): Charge[] {
    return [...this.charges.values()].filter((c) => c.status === 'pending');
  }

  /** Charges oldest first, from after `startingAfter`, created at or after `createdGte`. */
  list(options: { limit: number; startingAfter?: string; createdGte?: number }): {
    data: Charge[];
    hasMore: boolean;
  } {
    let all = [...this.charges.values()];
    if (options.createdGte !== undefined) all = all.filter((c) => c.created >= options.createdGte!);
    if (options.startingAfter) {
      const index = all.findIndex((c) => c.id === options.startingAfter);
      all = index === -1 ? [] : all.slice(index + 1);
    }
    return { data: all.slice(0, options.limit), hasMore: all.length > options.limit };
  }
}

/**
 * Remembers each idempotency key's request and answer, as a provider does for a day
 * (journalled, like the ledger). Attempt counts, which only steer the test methods, are not.
 */
export class IdempotencyRecords {
  private readonly records = new Map<string, { fingerprint: string; answer: unknown }>();
  private readonly attempts = new Map<string, number>();

  constructor(private readonly journal?: Journal<JournalRecord>) {}

  restore(key: string, fingerprint: string, answer: unknown): void {
    this.records.set(key, { fingerprint, answer });
  }

  /** Count an attempt for this key and return its number (1 for the first). */
  attempt(key: string): number {
    const n = (this.attempts.get(key) ?? 0) + 1;
    this.attempts.set(key, n);
    return n;
  }

  /**
   * The first answer for this key when the request is the same; a different request under a
   * used key is refused (as providers do); undefined for a new key.
   */
  replay(key: string, fingerprint: string): { answer: unknown } | undefined {
    const seen = this.records.get(key);
    if (seen && seen.fingerprint !== fingerprint)
      throw new AppError('UNPROCESSABLE', 'this idempotency key was used with other parameters');
    return seen;
  }

  remember(key: string, fingerprint: string, answer: unknown): void {
    this.records.set(key, { fingerprint, answer });
    this.journal?.write({ kind: 'answer', key, fingerprint, answer });
  }
}
