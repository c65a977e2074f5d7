import type { onRequestHookHandler } from 'fastify';
import { AppError } from '@switchyard/service-kit';

/**
 * One limit for every caller of a provider webhook route together, per replica: at most
 * `perSecond` calls in each one-second window, the rest answered 429 with Retry-After: 1 (the
 * provider retries). In memory — no Redis round trip on the route — because its purpose is a
 * bound on what the lean route can pass on to the payment service, not a quota per client.
 */
export function providerWebhookLimit(perSecond: number, now = Date.now): onRequestHookHandler {
  let windowStart = 0;
  let count = 0;
  return (_request, reply, done) => {
    const at = now();
    if (at - windowStart >= 1000) {
      windowStart = at;
      count = 0;
    }
    if (++count <= perSecond) return done();
    reply.header('retry-after', '1');
    done(new AppError('RATE_LIMITED', 'Too many webhook calls; retry in a second'));
  };
}
