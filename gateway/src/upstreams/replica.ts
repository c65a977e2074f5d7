import { Pool } from 'undici';
import { CircuitBreaker, type CircuitState } from '../circuit-breaker.js';

/** What every service answers while its process is alive (service-kit's health routes). */
const HEALTH_PATH = '/healthz';

/** Answers that say the replica is down or overloaded (see recordAnswer). */
const UPSTREAM_FAILURE = new Set([502, 503, 504]);

export interface ReplicaOptions {
  /** Where to connect: the configured origin, or one resolved address of its host name. */
  origin: string;
  /** The Host header the replica is sent (the configured host, not a resolved address). */
  host: string;
  /** TLS server name, when `origin` is a resolved address of an https URL. */
  servername?: string;
  connections: number;
  connectTimeoutMs: number;
  /** Response headers, and each gap in a response body, may take this long. */
  timeoutMs: number;
  /** The health probe's whole budget: a live process answers it in milliseconds. */
  probeTimeoutMs: number;
  /** A replica that has answered nothing for this long while requests wait on it is stalled. */
  stallMs: number;
  failureThreshold: number;
  openMs: number;
  onStateChange: (replica: Replica, from: CircuitState, to: CircuitState) => void;
}

/**
 * One process behind a service: its own connection pool, its own circuit breaker, and what
 * the balancer reads (how many requests await its answer, whether it has gone silent).
 * Ejected (breaker open) after network failures; readmitted by a health probe once the
 * breaker lets a trial through, so no client request is ever the trial.
 */
export class Replica {
  readonly origin: string;
  readonly host: string;
  readonly pool: Pool;
  private readonly breaker: CircuitBreaker;
  /** Requests sent and still waiting for their response headers. */
  awaiting = 0;
  private quietSince = Date.now();
  private probing: Promise<boolean> | null = null;

  constructor(private readonly options: ReplicaOptions) {
    this.origin = options.origin;
    this.host = options.host;
    this.pool = new Pool(options.origin, {
      connections: options.connections,
      pipelining: 1,
      connectTimeout: options.connectTimeoutMs,
      headersTimeout: options.timeoutMs,
      bodyTimeout: options.timeoutMs,
      ...(options.servername ? { connect: { servername: options.servername } } : {}),
    });
    this.breaker = new CircuitBreaker({
      failureThreshold: options.failureThreshold,
      openMs: options.openMs,
      // The probe ends (answer or timeout) before its slot could expire.
      trialTimeoutMs: options.probeTimeoutMs + options.connectTimeoutMs + 1_000,
    });
  }

  get state(): CircuitState {
    return this.breaker.state;
  }

  /** Takes client requests. */
  get admitted(): boolean {
    return this.state === 'closed';
  }

  /** Ejected, its time is up, and no probe is running: the next `probe()` will run one. */
  get dueForProbe(): boolean {
    return this.state === 'half-open' && this.probing === null;
  }

  /** Milliseconds until a probe may run. */
  retryAfterMs(): number {
    return this.breaker.retryAfterMs();
  }

  /** Requests wait on it and it has answered none of them for `stallMs` (e.g. SIGSTOPped). */
  stalled(now: number): boolean {
    return this.awaiting > 0 && now - this.quietSince >= this.options.stallMs;
  }

  /** A request was handed to the pool. */
  sent(): void {
    if (this.awaiting === 0) this.quietSince = Date.now();
    this.awaiting += 1;
  }

  /** A request sent here got its response headers, or ended without them. */
  settled(): void {
    this.awaiting -= 1;
    this.quietSince = Date.now();
  }

  /**
   * An answer. 502/503/504 say the replica is down or overloaded and count towards its
   * breaker's threshold; any other answer — a 500 a client's input provoked included — is
   * the replica working (one client must not eject it for everyone).
   */
  recordAnswer(status: number): void {
    this.transition(() =>
      UPSTREAM_FAILURE.has(status) ? this.breaker.recordFailure() : this.breaker.recordSuccess(),
    );
  }

  /**
   * Refused, reset or timed out. While another replica takes requests this one is ejected at
   * once (a retry elsewhere costs little, another request sent here may cost a timeout); the
   * last replica standing counts towards the threshold, as a single upstream always did.
   */
  recordNetworkFailure(othersAdmitted: boolean): void {
    this.transition(() => (othersAdmitted ? this.breaker.trip() : this.breaker.recordFailure()));
  }

  /**
   * GET /healthz, when the breaker lets a trial through: 2xx readmits the replica, anything
   * else (a timeout included) ejects it for another `openMs`. Resolves to whether it is in.
   */
  probe(): Promise<boolean> {
    if (this.probing) return this.probing;
    if (!this.breaker.tryAcquire()) return Promise.resolve(this.admitted);
    this.probing = this.runProbe().finally(() => {
      this.probing = null;
    });
    return this.probing;
  }

  private async runProbe(): Promise<boolean> {
    let healthy = false;
    try {
      const { statusCode, body } = await this.pool.request({
        method: 'GET',
        path: HEALTH_PATH,
        headers: { host: this.host },
        headersTimeout: this.options.probeTimeoutMs,
        bodyTimeout: this.options.probeTimeoutMs,
      });
      await body.dump();
      healthy = statusCode >= 200 && statusCode < 300;
    } catch {
      healthy = false;
    }
    this.transition(() => (healthy ? this.breaker.recordSuccess() : this.breaker.recordFailure()));
    return healthy;
  }

  private transition(change: () => void): void {
    const from = this.breaker.state;
    change();
    const to = this.breaker.state;
    if (from !== to) this.options.onStateChange(this, from, to);
  }
}
