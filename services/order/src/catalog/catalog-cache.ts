import type { Redis } from 'ioredis';

const PREFIX = 'switchyard:order:catalog:';

/**
 * Read-through cache of catalog answers in Redis. Every product write (admin change, stock
 * reserved or released) bumps one version number after its commit; cached entries carry the
 * version they were read at, so a change — a new price, restored stock — is visible at once
 * and nothing stale is ever served after it.
 */
export class CatalogCache {
  constructor(
    private readonly redis: Redis,
    private readonly ttlSeconds: number,
    private readonly namespace = '',
  ) {}

  private key(suffix: string, version: string): string {
    return `${PREFIX}${this.namespace}v${version}:${suffix}`;
  }

  private async version(): Promise<string> {
    return (await this.redis.get(`${PREFIX}${this.namespace}version`)) ?? '0';
  }

  /** The cached value for `suffix`, or `load()`'s result, stored for the next reader. */
  async getOrLoad<T>(suffix: string, load: () => Promise<T>): Promise<T> {
    const version = await this.version();
    const key = this.key(suffix, version);
    const cached = await this.redis.get(key);
    if (cached !== null) return JSON.parse(cached) as T;
    const value = await load();
    await this.redis.set(key, JSON.stringify(value), 'EX', this.ttlSeconds);
    return value;
  }

  /** Call after a committed product write. */
  async invalidate(): Promise<void> {
    await this.redis.incr(`${PREFIX}${this.namespace}version`);
  }
}
