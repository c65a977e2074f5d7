import { createHash } from 'node:crypto';
import type { Redis } from 'ioredis';

export interface LoginThrottleSettings {
  maxFailuresPerAccount: number;
  maxFailuresPerIp: number;
  windowSeconds: number;
}

const PREFIX = 'switchyard:auth:login-failures:';
// Hash the email: the key must not leak addresses to anyone reading Redis.
const accountKey = (email: string) =>
  `${PREFIX}account:${createHash('sha256').update(email.trim().toLowerCase()).digest('hex')}`;
const ipKey = (ip: string) => `${PREFIX}ip:${ip}`;

/**
 * Counts failed logins per account and per IP in Redis. Past a threshold, login is refused
 * for the rest of the window — for any email, existing or not, so the lock reveals nothing.
 */
export class LoginThrottle {
  constructor(
    private readonly redis: Redis,
    private readonly settings: LoginThrottleSettings,
  ) {}

  /** Seconds until login may be tried again, or 0 when it may be tried now. */
  async retryAfter(email: string, ip: string): Promise<number> {
    const [account, fromIp] = await Promise.all([
      this.redis.get(accountKey(email)),
      this.redis.get(ipKey(ip)),
    ]);
    const blockedKeys: string[] = [];
    if (Number(account ?? 0) >= this.settings.maxFailuresPerAccount)
      blockedKeys.push(accountKey(email));
    if (Number(fromIp ?? 0) >= this.settings.maxFailuresPerIp) blockedKeys.push(ipKey(ip));
    if (blockedKeys.length === 0) return 0;
    const ttls = await Promise.all(blockedKeys.map((k) => this.redis.ttl(k)));
    return Math.max(1, ...ttls);
  }

  async recordFailure(email: string, ip: string): Promise<void> {
    const window = this.settings.windowSeconds;
    await this.redis
      .multi()
      .incr(accountKey(email))
      .expire(accountKey(email), window, 'NX')
      .incr(ipKey(ip))
      .expire(ipKey(ip), window, 'NX')
      .exec();
  }

  async recordSuccess(email: string): Promise<void> {
    await this.redis.del(accountKey(email));
  }
}
