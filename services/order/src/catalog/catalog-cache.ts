import type { Redis } from 'ioredis';

const PREFIX = 'switchyard:order:catalog:';

interface Logger {
  warn(obj: object, msg: string): void;
}

/**
 * Read-through cache of catalog answers in Redis. Every product write (admin change, stock
 * reserved or released) bumps one version number after its commit; cached entries carry the
 * version they were read at, so a change — a new price, restored stock — is visible at once
 * and nothing stale is ever served after it.
 *
 * Redis only makes reads faster: while it is away, reads go to the database and a missed
 * invalidation is logged, never turned into an error (the write it follows has committed; a
 * 500 would make a client retry an order that was placed). A missed invalidation is made up
 * as soon as Redis answers again (before this replica reads from it), so entries cached before
 * the outage are not served after it.
 */
export class CatalogCache {
  private missedInvalidation = false;

  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly namespace = '',
    private readonly log?: Logger,
  ) {
    redis.on('ready', () => {
      if (this.missedInvalidation) void this.invalidate();
    });
  }

  private key(suffix: string, version: string): string {
    return `${PREFIX}${this.namespace}v${version}:${suffix}`;
  }

  private versionKey(): string {
    return `${PREFIX}${this.namespace}version`;
  }

  /** The cached value for `suffix`, or `load()`'s result, stored for the next reader. */
  async getOrLoad<T>(suffix: string, load: () => Promise<T>): Promise<T> {
    let key: string;
    try {
      if (this.missedInvalidation) await this.bumpVersion();
      key = this.key(suffix, (await this.redis.get(this.versionKey())) ?? '0');
      const cached = await this.redis.get(key);
      if (cached !== null) return JSON.parse(cached) as T;
    } catch (error) {
      this.log?.warn({ err: error }, 'catalog cache unavailable; reading the database');
      return load();
    }
    const value = await load();
    await this.redis
      .set(key, JSON.stringify(value), 'EX', this.ttlSeconds)
      .catch((error: unknown) =>
        this.log?.warn({ err: error }, 'could not fill the catalog cache'),
      );
    return value;
  }

  /** Call after a committed product write; never throws. */
  async invalidate(): Promise<void> {
    await this.bumpVersion().catch((error: unknown) => {
      this.log?.warn(
        { err: error },
        'catalog cache not invalidated yet; will be when Redis is back',
      );
    });
  }

  private async bumpVersion(): Promise<void> {
    this.missedInvalidation = true;
    await this.redis.incr(this.versionKey());
    this.missedInvalidation = false;
  }
}
