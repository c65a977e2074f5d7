import { Dispatcher } from 'undici';
import type { CircuitState } from '../circuit-breaker.js';
import { ForwardedRequest, type ReplicaChooser } from './forwarded-request.js';
import { Replica } from './replica.js';
import {
  lookupAll,
  resolveReplicas,
  targetOf,
  type LookupAll,
  type ReplicaTarget,
} from './resolve-replicas.js';

export interface UpstreamPoolOptions {
  service: string;
  /** The service's replicas (origins); one is the single-upstream setup it always was. */
  urls: string[];
  connections: number;
  connectTimeoutMs: number;
  timeoutMs: number;
  stallMs: number;
  failureThreshold: number;
  openMs: number;
  /** Resolve every address of each URL's host name this often; 0: let each connect resolve. */
  dnsRefreshMs: number;
  lookupAll?: LookupAll;
  log: {
    info: (fields: object, message: string) => void;
    warn: (fields: object, message: string) => void;
  };
}

/** No replica of the service takes requests now; `retryAfterMs` until one may again. */
export class NoReplicaAdmittedError extends Error {
  readonly code = 'SWITCHYARD_NO_REPLICA_ADMITTED';
  constructor(
    service: string,
    readonly retryAfterMs: number,
  ) {
    super(`no replica of ${service} is admitted`);
  }
}

/**
 * The undici dispatcher of one service's replicas, handed to @fastify/http-proxy as its
 * `undici` option. Each request goes to the admitted replica with the fewest requests awaiting
 * an answer (ties in turn), passing over a replica that has gone silent while another answers;
 * a replica is ejected by its own circuit breaker and readmitted by a health probe; a request
 * that could not reach one replica is sent to another when that is safe (forwarded-request.ts).
 * Why this is written here rather than taken from undici's BalancedPool: docs/decisions/0015.
 */
export class UpstreamPool extends Dispatcher implements ReplicaChooser {
  private replicas: Replica[] = [];
  private turn = 0;
  private readonly refresher: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly options: UpstreamPoolOptions) {
    super();
    this.reconcile(options.urls.map((url) => targetOf(new URL(url))));
    if (options.dnsRefreshMs > 0) {
      void this.refresh();
      this.refresher = setInterval(() => void this.refresh(), options.dnsRefreshMs);
      this.refresher.unref();
    }
  }

  /** The origins requests may go to, admitted or not (logs, tests). */
  get origins(): string[] {
    return this.replicas.map((r) => r.origin);
  }

  /** Where each replica stands (tests, diagnostics). */
  states(): Record<string, CircuitState> {
    return Object.fromEntries(this.replicas.map((r) => [r.origin, r.state]));
  }

  override dispatch(options: Dispatcher.DispatchOptions, handler: Dispatcher.DispatchHandler) {
    const request = new ForwardedRequest(this, options, handler);
    const replica = this.choose(new Set());
    if (replica) {
      request.send(replica);
      return true;
    }
    // None admitted: the request that finds a replica due for its probe waits on the probe
    // (the breaker's half-open trial); any other is refused at once.
    const due = this.replicas.find((r) => r.dueForProbe);
    if (!due) {
      request.fail(new NoReplicaAdmittedError(this.options.service, this.retryAfterMs()));
      return true;
    }
    void due.probe().then((admitted) => {
      if (admitted && !this.closed) request.send(due);
      else request.fail(new NoReplicaAdmittedError(this.options.service, this.retryAfterMs()));
    });
    return true;
  }

  choose(tried: ReadonlySet<Replica>): Replica | undefined {
    const candidates = this.replicas.filter((r) => r.admitted && !tried.has(r));
    if (candidates.length === 0) return undefined;
    // While others serve, an ejected replica whose time is up is probed on the side.
    for (const replica of this.replicas) if (replica.dueForProbe) void replica.probe();
    const now = Date.now();
    const answering = candidates.filter((r) => !r.stalled(now));
    const pool = answering.length > 0 ? answering : candidates;
    this.turn = (this.turn + 1) % pool.length;
    let best = pool[this.turn]!;
    for (let i = 1; i < pool.length; i++) {
      const replica = pool[(this.turn + i) % pool.length]!;
      if (replica.awaiting < best.awaiting) best = replica;
    }
    return best;
  }

  othersAdmitted(replica: Replica): boolean {
    return this.replicas.some((r) => r !== replica && r.admitted);
  }

  private retryAfterMs(): number {
    const waits = this.replicas.map((r) => r.retryAfterMs()).filter((ms) => ms > 0);
    return waits.length > 0 ? Math.min(...waits) : 1_000;
  }

  /** Resolve every URL again; a name that fails keeps the replicas it had. */
  private async refresh(): Promise<void> {
    const targets: ReplicaTarget[] = [];
    for (const url of this.options.urls) {
      try {
        targets.push(...(await resolveReplicas(new URL(url), this.options.lookupAll ?? lookupAll)));
      } catch (error) {
        this.options.log.warn(
          { err: error, upstream: this.options.service, url },
          'upstream name not resolved; keeping its replicas',
        );
        const { host } = new URL(url);
        const kept = this.replicas.filter((r) => r.host === host);
        targets.push(...kept.map((r) => ({ origin: r.origin, host: r.host })));
      }
    }
    if (!this.closed) this.reconcile(targets);
  }

  /** Keep the replicas still listed, add the new ones, close the ones gone (gracefully). */
  private reconcile(targets: ReplicaTarget[]): void {
    const wanted = new Map(targets.map((t) => [t.origin, t]));
    const gone = this.replicas.filter((r) => !wanted.has(r.origin));
    const kept = this.replicas.filter((r) => wanted.has(r.origin));
    const known = new Set(kept.map((r) => r.origin));
    const added = [...wanted.values()]
      .filter((t) => !known.has(t.origin))
      .map((t) => this.createReplica(t));
    this.replicas = [...kept, ...added];
    for (const replica of gone) void replica.pool.close();
    if (added.length > 0 || gone.length > 0) {
      this.options.log.info(
        { upstream: this.options.service, replicas: this.origins },
        'upstream replicas changed',
      );
    }
  }

  private createReplica(target: ReplicaTarget): Replica {
    const { options } = this;
    return new Replica({
      ...target,
      connections: options.connections,
      connectTimeoutMs: options.connectTimeoutMs,
      timeoutMs: options.timeoutMs,
      probeTimeoutMs: options.connectTimeoutMs,
      stallMs: options.stallMs,
      failureThreshold: options.failureThreshold,
      openMs: options.openMs,
      onStateChange: (replica, from, to) => {
        const fields = { upstream: options.service, replica: replica.origin, from, to };
        if (to === 'open') options.log.warn(fields, 'upstream replica ejected');
        else if (to === 'closed') options.log.info(fields, 'upstream replica readmitted');
      },
    });
  }

  override close(): Promise<void>;
  override close(callback: () => void): void;
  override close(callback?: () => void): Promise<void> | void {
    const done = this.shutDown((pool) => pool.close());
    if (!callback) return done;
    void done.then(callback);
  }

  override destroy(): Promise<void>;
  override destroy(err: Error | null): Promise<void>;
  override destroy(callback: () => void): void;
  override destroy(err: Error | null, callback: () => void): void;
  override destroy(
    errOrCallback?: Error | null | (() => void),
    callback?: () => void,
  ): Promise<void> | void {
    const err = typeof errOrCallback === 'function' ? null : (errOrCallback ?? null);
    const done = this.shutDown((pool) => pool.destroy(err));
    const cb = typeof errOrCallback === 'function' ? errOrCallback : callback;
    if (!cb) return done;
    void done.then(cb);
  }

  private async shutDown(end: (pool: Replica['pool']) => Promise<void>): Promise<void> {
    this.closed = true;
    if (this.refresher) clearInterval(this.refresher);
    await Promise.all(this.replicas.map((r) => end(r.pool)));
  }
}
