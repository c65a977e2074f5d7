import { createHash } from 'node:crypto';
import { LRUCache } from 'lru-cache';
import type { Identity } from './plugins/jwt-auth.js';

/**
 * Tokens whose signature and claims were verified already, by a hash of the token, so a client
 * sending the same token again costs a hash and a lookup instead of an ES256 verification (the
 * largest cost of an authenticated request in the profiles, docs/benchmarks.md).
 *
 * An entry lives until the token's `exp`, and never longer than `maxAgeMs`, so a key removed
 * from the JWKS stops being honoured within that bound. Revoking a *user* does not depend on
 * this cache: the disabled-user denylist is checked on every request, cached or not.
 */
export class VerifiedTokens {
  private readonly cache: LRUCache<string, { identity: Identity; expiresAt: number }>;

  constructor(options: { max?: number; maxAgeMs?: number } = {}) {
    this.cache = new LRUCache({ max: options.max ?? 10_000, ttl: options.maxAgeMs ?? 60_000 });
  }

  private static keyOf(token: string): string {
    return createHash('sha256').update(token).digest('base64url');
  }

  /** The identity of a token verified before and not yet expired, else undefined. */
  get(token: string, now = Date.now()): Identity | undefined {
    const key = VerifiedTokens.keyOf(token);
    const entry = this.cache.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= now) {
      this.cache.delete(key);
      return undefined;
    }
    return entry.identity;
  }

  /** Remember a verified token until `expiresAtSeconds` (its exp claim). */
  set(token: string, identity: Identity, expiresAtSeconds: number, now = Date.now()): void {
    const expiresAt = expiresAtSeconds * 1000;
    if (expiresAt <= now) return;
    this.cache.set(
      VerifiedTokens.keyOf(token),
      { identity, expiresAt },
      {
        ttl: Math.min(expiresAt - now, this.cache.ttl),
      },
    );
  }
}
