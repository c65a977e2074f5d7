import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
  /** Prefix of the counters' Redis keys. */
  namespace: string;
}

// Hash the email: the key must not leak addresses to anyone reading Redis.
const accountKey = (email: string) =>
  createHash('sha256').update(email.trim().toLowerCase()).digest('hex');

/** Login is refused for now; `retryAfterSeconds` says for how long. */
export class LoginThrottled extends Error {
  override name = 'LoginThrottled';
  constructor(readonly retryAfterSeconds: number) {
    super('too many failed sign-in attempts');
  }
}

/**
 * Brute-force protection for sign-in, per account and per client IP (rate-limiter-flexible on
 * Redis). Every attempt takes a point from both budgets atomically *before* the password is
 * checked, so N guesses in parallel cannot all slip past the count; a successful sign-in gives
 * its points back and clears the account's count. Past a budget, sign-in is refused for the
 * rest of the window — for any email, existing or not, so the lock reveals nothing.
 */
export class LoginThrottle {
  private readonly perAccount: RateLimiterRedis;
  private readonly perIp: RateLimiterRedis;

  constructor(redis: Redis, settings: LoginThrottleSettings) {
    const common = { storeClient: redis, duration: settings.windowSeconds, useRedisPackage: false };
    this.perAccount = new RateLimiterRedis({
      ...common,
      keyPrefix: `${settings.namespace}-account`,
      points: settings.maxFailuresPerAccount,
    });
    this.perIp = new RateLimiterRedis({
      ...common,
      keyPrefix: `${settings.namespace}-ip`,
      points: settings.maxFailuresPerIp,
    });
  }

  /** Take this attempt's points, or throw LoginThrottled when a budget is spent. */
  async beginAttempt(email: string, ip: string): Promise<void> {
    const results = await Promise.allSettled([
      this.perAccount.consume(accountKey(email)),
      this.perIp.consume(ip),
    ]);
    const refused = results
      .map((r) => (r.status === 'rejected' ? (r.reason as unknown) : null))
      .filter((reason) => reason !== null);
    if (refused.length === 0) return;
    const limited = refused.filter(
      (reason): reason is RateLimiterRes => reason instanceof RateLimiterRes,
    );
    // Anything else is Redis failing: refuse rather than let guesses through unlimited.
    if (limited.length < refused.length) throw refused.find((r) => !(r instanceof RateLimiterRes));
    throw new LoginThrottled(Math.max(1, ...limited.map((r) => Math.ceil(r.msBeforeNext / 1000))));
  }

  /** The password was right: this attempt does not count against either budget. */
  async succeeded(email: string, ip: string): Promise<void> {
    await Promise.all([this.perAccount.delete(accountKey(email)), this.perIp.reward(ip, 1)]);
  }
}
