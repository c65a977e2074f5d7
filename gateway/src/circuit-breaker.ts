export type CircuitState = 'closed' | 'open' | 'half-open';

export interface CircuitBreakerOptions {
  /** Consecutive failures that open the circuit. */
  failureThreshold: number;
  /** How long it stays open before letting one trial request through. */
  openMs: number;
  /** A trial with no outcome after this long no longer holds the half-open slot. */
  trialTimeoutMs: number;
  now?: () => number;
}

/**
 * A per-upstream circuit breaker. Closed: requests flow, consecutive failures are counted.
 * Open: requests are refused at once (the gateway answers 503) until `openMs` has passed.
 * Half-open: one trial request goes through; its success closes the circuit, its failure
 * opens it again; a trial that ends without an outcome (its client went away) or outlives
 * `trialTimeoutMs` frees the slot for the next one. See docs/decisions/0006.
 */
export class CircuitBreaker {
  private failures = 0;
  private openedAt = 0;
  private trialStartedAt: number | null = null;
  private current: CircuitState = 'closed';
  private readonly now: () => number;

  constructor(private readonly options: CircuitBreakerOptions) {
    this.now = options.now ?? Date.now;
  }

  get state(): CircuitState {
    if (this.current === 'open' && this.now() - this.openedAt >= this.options.openMs) {
      this.current = 'half-open';
      this.trialStartedAt = null;
    }
    return this.current;
  }

  /** May a request go to the upstream now? (In half-open, only one at a time may.) */
  tryAcquire(): boolean {
    const state = this.state;
    if (state === 'closed') return true;
    if (state !== 'half-open') return false;
    const trialExpired =
      this.trialStartedAt !== null &&
      this.now() - this.trialStartedAt >= this.options.trialTimeoutMs;
    if (this.trialStartedAt !== null && !trialExpired) return false;
    this.trialStartedAt = this.now();
    return true;
  }

  /** Milliseconds until a trial request will be allowed. */
  retryAfterMs(): number {
    return Math.max(0, this.options.openMs - (this.now() - this.openedAt));
  }

  recordSuccess(): void {
    this.failures = 0;
    this.current = 'closed';
    this.trialStartedAt = null;
  }

  recordFailure(): void {
    this.failures += 1;
    if (this.current === 'half-open' || this.failures >= this.options.failureThreshold) {
      this.current = 'open';
      this.openedAt = this.now();
      this.trialStartedAt = null;
    }
  }

  /** Open now, whatever the count (a replica ejected while others serve: upstream-pool.ts). */
  trip(): void {
    this.failures = this.options.failureThreshold;
    this.current = 'open';
    this.openedAt = this.now();
    this.trialStartedAt = null;
  }

  /** A request let through ended without telling anything about the upstream (aborted). */
  release(): void {
    if (this.current === 'half-open') this.trialStartedAt = null;
  }
}
