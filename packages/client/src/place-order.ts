import type { Client } from 'openapi-fetch';
import type { Order, PlaceOrderBody } from './api-types.js';
import type { paths } from './generated/api.js';
import { newIdempotencyKey } from './idempotency-key.js';
import { SwitchyardProblem } from './switchyard-problem.js';

export interface PlaceOrderOptions {
  /**
   * Send the key of an earlier attempt to get its order back instead of a second one (kept 24 h
   * by the API). A new random key when absent.
   */
  idempotencyKey?: string;
  /** Attempts in all, with the same key, while the outcome is unknown (default 3). */
  attempts?: number;
}

export interface PlacedOrder {
  order: Order;
  /** Keep it until you know the outcome: placing again with it cannot place a second order. */
  idempotencyKey: string;
  /** The API answered an earlier attempt's order again (Idempotent-Replayed). */
  replayed: boolean;
}

/**
 * fetch rejects with a TypeError when no answer arrived (refused, reset, dropped). Known by name:
 * the fetch may come from another realm (an iframe, a test runner's sandbox), where instanceof
 * TypeError is false.
 */
const isNetworkFailure = (error: unknown) =>
  (error as { name?: unknown } | null)?.name === 'TypeError';

/**
 * Worth sending again with the same key: no answer arrived (a network failure),
 * the gateway or the service failed (5xx: a failed placement is not remembered, an unknown one
 * is answered from the key), the key is held by an attempt still running (409), or too many
 * requests (429). A 4xx about the order itself would only be answered again.
 */
function isWorthRetrying(error: unknown): boolean {
  if (error instanceof SwitchyardProblem)
    return error.status === 409 || error.status === 429 || error.status >= 500;
  return isNetworkFailure(error);
}

/** Retry-After when the API gave one (at most 30 s), else 200 ms doubling, with jitter. */
function retryDelayMs(error: unknown, attempt: number): number {
  const asked = error instanceof SwitchyardProblem ? error.retryAfterSeconds : undefined;
  if (asked !== undefined) return Math.min(asked, 30) * 1000;
  const base = 200 * 2 ** (attempt - 1);
  return base / 2 + Math.random() * (base / 2);
}

/** `POST /v1/orders` with an Idempotency-Key, retried with the same key while that is safe. */
export async function placeOrder(
  api: Client<paths>,
  order: PlaceOrderBody,
  options: PlaceOrderOptions = {},
): Promise<PlacedOrder> {
  const idempotencyKey = options.idempotencyKey ?? newIdempotencyKey();
  const attempts = options.attempts ?? 3;
  for (let attempt = 1; ; attempt++) {
    try {
      const { data, response } = await api.POST('/v1/orders', {
        body: order,
        params: { header: { 'idempotency-key': idempotencyKey } },
      });
      return {
        order: data!, // every other answer was thrown as a SwitchyardProblem
        idempotencyKey,
        replayed: response.headers.get('idempotent-replayed') === 'true',
      };
    } catch (error) {
      if (attempt >= attempts || !isWorthRetrying(error)) throw error;
      await new Promise((resolve) => setTimeout(resolve, retryDelayMs(error, attempt)));
    }
  }
}
