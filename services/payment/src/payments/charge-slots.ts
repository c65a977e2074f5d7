import { TransientError } from '@switchyard/service-kit';

/** A charge waited this long for a turn: retry later (the consumer backs off, heartbeating). */
export class NoChargeSlot extends TransientError {
  override name = 'NoChargeSlot';
}

/**
 * How many charges this process has at the provider at once. Each holds a database connection
 * for the whole provider call (the order's charge lock lives in its transaction), so without a
 * bound a provider slowdown let the charges of every partition take the whole pool, and
 * /readyz, webhooks, cancellations, the relay and the jobs failed for want of a connection.
 * Waiting for a turn holds no connection: `acquire` is called before the transaction opens.
 * Turns are given in the order they were asked for.
 */
export class ChargeSlots {
  private busy = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(
    readonly size: number,
    /** Told after every change (a metric). */
    private readonly changed: (state: { inFlight: number; waiting: number }) => void = () => {},
  ) {}

  get inFlight(): number {
    return this.busy;
  }

  get queued(): number {
    return this.waiting.length;
  }

  /**
   * Wait for a turn, at most `waitMs` (then NoChargeSlot, a transient error) or until `signal`
   * aborts; the returned function gives the turn back (once).
   */
  async acquire(waitMs: number, signal: AbortSignal): Promise<() => void> {
    signal.throwIfAborted();
    if (this.busy < this.size) {
      this.busy++;
      this.report();
      return this.releaser();
    }
    await new Promise<void>((resolve, reject) => {
      const turn = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        resolve();
      };
      const giveUp = (error: unknown) => {
        const at = this.waiting.indexOf(turn);
        if (at !== -1) this.waiting.splice(at, 1);
        this.report();
        clearTimeout(timer);
        signal.removeEventListener('abort', aborted);
        reject(error);
      };
      const aborted = () => giveUp(signal.reason);
      const timer = setTimeout(
        () =>
          giveUp(
            new NoChargeSlot(
              `all ${this.size} charge slots stayed busy for ${waitMs} ms (PAYMENT_CHARGES_IN_FLIGHT)`,
            ),
          ),
        waitMs,
      );
      signal.addEventListener('abort', aborted, { once: true });
      this.waiting.push(turn);
      this.report();
    });
    // The turn was handed over with its slot still counted as busy.
    return this.releaser();
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      if (next)
        next(); // the slot passes straight to the next in line
      else this.busy--;
      this.report();
    };
  }

  private report(): void {
    this.changed({ inFlight: this.busy, waiting: this.waiting.length });
  }
}
