import type { Redis } from 'ioredis';
import {
  DENYLIST_CHANGES_CHANNEL,
  DENYLIST_SYNCED_KEY,
  denylistStatus,
  sessionDenylistId,
  disabledUserKey,
  type DenylistChange,
  type DenylistStatus,
} from './disabled-users.js';

export interface DenylistCacheOptions {
  /**
   * How often the whole list is read again (and the subscription pinged). It bounds what only a
   * full read can see: an entry written without a message (auth's repair sync after Redis lost
   * data), the sync marker vanishing without a reconnect (an eviction, a FLUSHALL), a
   * subscription that died silently. Default 5 s.
   */
  resyncMs?: number;
  /** Called when a resync or the subscription fails (the cache falls back meanwhile). */
  onError?: (error: unknown) => void;
  /** The subscriber's CLIENT SETNAME (how it shows in CLIENT LIST). */
  connectionName?: string;
  now?: () => number;
}

const KEY_PREFIX = disabledUserKey('');

/**
 * The disabled-user denylist held in memory, so that checking a request costs a map lookup
 * instead of a Redis round trip. It is kept current by the messages markDisabled and
 * clearDisabled publish (DENYLIST_CHANGES_CHANNEL) and read again in full every `resyncMs`.
 *
 * It answers only while it is known to be complete; otherwise `status` reads Redis per request
 * exactly as before (denylistStatus), so nothing is ever answered from a list that may be stale:
 * - until the first full read after subscribing has finished (a process that just started);
 * - from the moment the subscriber connection drops until it is back, subscribed, and a full
 *   read has finished again (a message may have been missed meanwhile);
 * - while the sync marker is missing (Redis lost its data: those reads answer `unknown`);
 * - when no full read has succeeded for 2 × `resyncMs` + 1 s (Redis slow or unreachable, or the
 *   subscription found dead by its ping).
 * The bound on a revocation: one published message (milliseconds) through markDisabled; at most
 * `resyncMs` for an entry written without a message; never longer than `resyncMs` + 1 s for
 * a subscriber whose connection died without closing (its ping fails, it falls back).
 */
export class DenylistCache {
  /** The client entries are read with (and, while the list is not complete, requests). */
  readonly redis: Redis;
  private subscriber: Redis | null = null;
  private readonly resyncMs: number;
  private readonly now: () => number;
  private readonly onError: (error: unknown) => void;
  private readonly connectionName: string;
  private disabled = new Map<string, number>();
  private subscribed = false;
  private markerSeen = false;
  private loadedAt: number | null = null;
  /** Changes received while full reads run: each applied again on top of what it read. */
  private readonly changesDuringLoads = new Set<DenylistChange[]>();
  /** Counts connection losses: a full read begun before one proves nothing after it. */
  private epoch = 0;
  private timer: NodeJS.Timeout | null = null;
  private closed = false;

  constructor(redis: Redis, options: DenylistCacheOptions = {}) {
    this.redis = redis;
    this.resyncMs = options.resyncMs ?? 5_000;
    this.now = options.now ?? Date.now;
    this.onError = options.onError ?? (() => {});
    this.connectionName = options.connectionName ?? 'switchyard-denylist-cache';
  }

  /** Subscribe and read the list in the background; `status` reads Redis until that is done. */
  start(): void {
    const subscriber = this.redis.duplicate({
      lazyConnect: true,
      enableOfflineQueue: false,
      connectionName: this.connectionName,
    });
    this.subscriber = subscriber;
    subscriber.on('message', (_channel: string, message: string) => this.onMessage(message));
    subscriber.on('close', () => this.forget());
    subscriber.on('error', (error) => this.onError(error));
    subscriber.on('ready', () => void this.subscribe());
    subscriber.connect().catch((error) => this.onError(error)); // it keeps reconnecting
    this.timer = setInterval(() => void this.resync(), this.resyncMs);
    this.timer.unref();
  }

  async close(): Promise<void> {
    this.closed = true;
    if (this.timer) clearInterval(this.timer);
    this.forget();
    this.subscriber?.disconnect();
  }

  /** Is the list in memory known to be complete right now? */
  get isComplete(): boolean {
    return (
      this.subscribed &&
      this.markerSeen &&
      this.loadedAt !== null &&
      this.now() - this.loadedAt <= 2 * this.resyncMs + 1_000
    );
  }

  /** As denylistStatus, from memory while the list is complete, else from Redis. */
  async status(userId: string, sessionId?: string): Promise<DenylistStatus> {
    if (!this.isComplete) return denylistStatus(this.redis, userId, sessionId);
    if (this.listed(userId)) return 'disabled';
    return sessionId && this.listed(sessionDenylistId(sessionId)) ? 'disabled' : 'not-listed';
  }

  /** Is this id (a user, or a session's denylist id) listed and not expired? */
  private listed(id: string): boolean {
    const until = this.disabled.get(id);
    if (until === undefined) return false;
    if (until > this.now()) return true;
    this.disabled.delete(id);
    return false;
  }

  /** Nothing in memory can be trusted any more: a message may be missed from now on. */
  private forget(): void {
    this.epoch += 1;
    this.subscribed = false;
    this.loadedAt = null;
  }

  private async subscribe(): Promise<void> {
    try {
      await this.subscriber!.subscribe(DENYLIST_CHANGES_CHANNEL);
      this.subscribed = true;
      await this.resync();
    } catch (error) {
      this.onError(error);
    }
  }

  private onMessage(message: string): void {
    let change: DenylistChange;
    try {
      change = JSON.parse(message) as DenylistChange;
    } catch (error) {
      this.onError(error);
      return;
    }
    for (const changes of this.changesDuringLoads) changes.push(change);
    this.apply(this.disabled, change);
  }

  private apply(into: Map<string, number>, change: DenylistChange): void {
    if (change.disabledForMs === undefined) into.delete(change.userId);
    else into.set(change.userId, this.now() + change.disabledForMs);
  }

  /** Ping the subscription, then read every entry, their TTLs and the marker. */
  private async resync(): Promise<void> {
    if (this.closed || !this.subscribed) return;
    const epoch = this.epoch;
    const startedAt = this.now();
    const changes: DenylistChange[] = [];
    this.changesDuringLoads.add(changes);
    try {
      await pingWithin(this.subscriber!, 1_000);
      const read = new Map<string, number>();
      let cursor = '0';
      do {
        const [next, keys] = await this.redis.scan(
          cursor,
          'MATCH',
          `${KEY_PREFIX}*`,
          'COUNT',
          1000,
        );
        cursor = next;
        if (keys.length) {
          const ttls = await this.redis.pipeline(keys.map((key) => ['pttl', key])).exec();
          keys.forEach((key, i) => {
            const [error, ttl] = ttls?.[i] ?? [new Error('no answer'), null];
            if (error) throw error;
            // -1: no expiry (never written so by auth, but kept as long as it is there).
            if (ttl === -1) read.set(key.slice(KEY_PREFIX.length), Number.POSITIVE_INFINITY);
            else if ((ttl as number) > 0)
              read.set(key.slice(KEY_PREFIX.length), startedAt + (ttl as number));
          });
        }
      } while (cursor !== '0');
      const marker = await this.redis.exists(DENYLIST_SYNCED_KEY);
      for (const change of changes) this.apply(read, change);
      // The connection dropped meanwhile: a message may have been missed, this read proves nothing.
      if (epoch !== this.epoch || !this.subscribed) return;
      this.disabled = read;
      this.markerSeen = marker === 1;
      this.loadedAt = startedAt;
    } catch (error) {
      this.onError(error);
      if (error instanceof SubscriberSilent && epoch === this.epoch) {
        this.forget();
        this.subscriber?.disconnect(true); // reconnect, subscribe and read again
      }
    } finally {
      this.changesDuringLoads.delete(changes);
    }
  }
}

class SubscriberSilent extends Error {}

/**
 * A subscribed connection answers PING too; one that does not within `ms` is taken as dead.
 * The verdict waits for one pass over the I/O already received (setImmediate runs after it):
 * a process stalled past `ms` (GC, CPU contention under load) runs its expired timers before
 * it reads the sockets, and would otherwise call a connection silent whose answer had long
 * arrived — then serve every request from Redis until it had subscribed and read again.
 */
async function pingWithin(subscriber: Redis, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  try {
    await Promise.race([
      subscriber.ping().catch((error: unknown) => {
        throw new SubscriberSilent(`denylist subscriber: ping failed (${String(error)})`);
      }),
      new Promise((_, reject) => {
        timer = setTimeout(
          () =>
            setImmediate(() =>
              reject(new SubscriberSilent('denylist subscriber: no answer to ping')),
            ),
          ms,
        );
      }),
    ]);
  } finally {
    clearTimeout(timer);
  }
}
