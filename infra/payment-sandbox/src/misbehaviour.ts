import { setTimeout as sleep } from 'node:timers/promises';
import type { Sandbox } from './sandbox.js';
import { apiUnavailable, rateLimited } from './stripe-errors.js';
import type { TestMethod } from './test-methods.js';

/**
 * What a misbehaving test card does to a payment request before it is processed: a redirect,
 * a hang (first attempt), a slow answer, a 429 or a 503 (first attempts). `attempt` counts the
 * attempts under the request's idempotency key. Returns 'redirect' when the route must answer
 * with one.
 */
export async function misbehave(
  sandbox: Sandbox,
  card: TestMethod,
  attempt: number,
): Promise<'redirect' | undefined> {
  if (card.redirect) return 'redirect';
  const wait = (ms: number) =>
    sleep(ms, undefined, { signal: sandbox.closing }).catch(() => undefined);
  if (card.hangFirstAttempt && attempt === 1) await wait(sandbox.config.SANDBOX_HANG_MS);
  if (card.slow) await wait(sandbox.config.SANDBOX_SLOW_MS);
  if (attempt <= (card.throttleFirstAttempts ?? 0)) throw rateLimited();
  if (attempt <= (card.failFirstAttempts ?? 0)) throw apiUnavailable();
  return undefined;
}
