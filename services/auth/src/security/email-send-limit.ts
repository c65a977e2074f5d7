import type { Redis } from 'ioredis';
import { RateLimiterRedis, RateLimiterRes } from 'rate-limiter-flexible';
import { AppError } from '@switchyard/service-kit';

export interface EmailSendLimitSettings {
  /** Verification emails one account may have sent within the window. */
  maxPerWindow: number;
  windowSeconds: number;
  /** Prefix of the counters' Redis keys. */
  namespace: string;
}

/** Too many verification emails for now; the route answers 429 with Retry-After. */
export class EmailSendLimited extends AppError {
  constructor(readonly retryAfterSeconds: number) {
    super('RATE_LIMITED', 'Too many verification emails; try again later');
  }
}

/**
 * How many verification emails (a link to the account's address, or to a new one it moves to)
 * an account can have sent per window (rate-limiter-flexible on Redis): a signed-in caller must
 * not turn the platform into a mail cannon aimed at any address.
 */
export class EmailSendLimit {
  private readonly limiter: RateLimiterRedis;

  constructor(redis: Redis, settings: EmailSendLimitSettings) {
    this.limiter = new RateLimiterRedis({
      storeClient: redis,
      useRedisPackage: false,
      keyPrefix: `${settings.namespace}-verification-email`,
      points: settings.maxPerWindow,
      duration: settings.windowSeconds,
    });
  }

  /** Take one email from the account's budget, or throw EmailSendLimited. */
  async take(userId: string): Promise<void> {
    try {
      await this.limiter.consume(userId);
    } catch (error) {
      if (!(error instanceof RateLimiterRes)) throw error;
      throw new EmailSendLimited(Math.max(1, Math.ceil(error.msBeforeNext / 1000)));
    }
  }
}
