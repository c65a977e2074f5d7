import type { Journal } from './journal.js';

/** Any object the sandbox keeps: a Stripe object with its id, kind and creation time. */
export interface StoredObject {
  id: string;
  object: string;
  created: number;
}

/** What the sandbox remembers about an object beyond what Stripe shows. */
export interface Internals {
  /** A payment method: the test card it was made from (its behaviour). */
  testCard?: string;
  /** A payment method: how many charges it has made (`pm_card_sandbox_failsAfterFirstCharge`). */
  chargesMade?: number;
  /** A payment or setup intent: confirmed as off-session. */
  offSession?: boolean;
}

/** What the sandbox journals: an object's latest state, an idempotent answer, the clock. */
export type JournalRecord =
  | { kind: 'object'; object: StoredObject; internals?: Internals }
  | {
      kind: 'answer';
      key: string;
      fingerprint: string;
      status: number;
      body: string;
      requestId?: string;
    }
  | { kind: 'clock'; offsetMs: number };

/**
 * Every object of the sandbox account, by id, in creation order. Every save is journalled (when
 * a journal file is set) before the answer goes out, so a restarted sandbox knows them all.
 */
export class ObjectStore {
  private readonly objects = new Map<string, StoredObject>();
  private readonly internals = new Map<string, Internals>();

  constructor(private readonly journal?: Journal<JournalRecord>) {}

  restore(object: StoredObject, internals?: Internals): void {
    this.objects.set(object.id, object);
    if (internals) this.internals.set(object.id, internals);
  }

  save<T extends StoredObject>(object: T, internals?: Internals): T {
    this.restore(object, internals ?? this.internals.get(object.id));
    this.journal?.write({ kind: 'object', object, internals: this.internals.get(object.id) });
    return object;
  }

  get<T extends StoredObject>(id: string, kind: string): T | undefined {
    const found = this.objects.get(id);
    return found?.object === kind ? (found as T) : undefined;
  }

  /** Any object by id, whatever its kind (for `expand[]`). */
  getAny(id: string): StoredObject | undefined {
    return this.objects.get(id);
  }

  internalsOf(id: string): Internals {
    return this.internals.get(id) ?? {};
  }

  /** Every object of this kind, newest first (Stripe's list order). */
  all<T extends StoredObject>(kind: string): T[] {
    return [...this.objects.values()].filter((o): o is T => o.object === kind).reverse();
  }
}
