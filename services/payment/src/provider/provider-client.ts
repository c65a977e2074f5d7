import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import { request } from 'undici';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RETRYABLE_CLIENT_STATUSES,
  type ProviderCharge,
  type ProviderRefund,
} from './provider-types.js';

export interface ProviderClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
  /**
   * Most time one call may take with all its retries. Keeps a charge made from an event
   * handler well inside the consumer group's rebalance timeout (docs/decisions/0009).
   */
  budgetMs: number;
}

/** Per call: an abort signal (shutdown) that ends waits and requests at once. */
export interface CallOptions {
  signal?: AbortSignal;
}

const MAX_RETRY_AFTER_MS = 5_000;

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or bad. */
function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * The payment provider's merchant API over HTTP. Every write carries an idempotency key, so a
 * retry after a timeout, a 5xx or a "come back later" (408, 409, 425, 429) can never charge or
 * refund twice; retries back off exponentially with jitter, honour Retry-After, and stop at the
 * call's budget. Redirects are never followed (undici's request does not, and a 3xx is an
 * error): a provider API that redirects is misconfigured or compromised.
 */
export class ProviderClient {
  constructor(private readonly options: ProviderClientOptions) {}

  /** The longest one call may take, retries included. */
  get callBudgetMs(): number {
    return this.options.budgetMs;
  }

  createCharge(
    input: {
      idempotencyKey: string;
      amountMinor: number;
      currency: string;
      paymentMethod: string;
      metadata: Record<string, string>;
    },
    options: CallOptions = {},
  ): Promise<ProviderCharge> {
    return this.send('POST', '/v1/charges', options, {
      idempotencyKey: input.idempotencyKey,
      body: {
        amount: input.amountMinor,
        currency: input.currency,
        payment_method: input.paymentMethod,
        metadata: input.metadata,
      },
    });
  }

  getCharge(chargeId: string, options: CallOptions = {}): Promise<ProviderCharge> {
    return this.send('GET', `/v1/charges/${encodeURIComponent(chargeId)}`, options);
  }

  listCharges(query: {
    createdGte: number;
    startingAfter?: string;
    limit: number;
  }): Promise<{ data: ProviderCharge[]; has_more: boolean }> {
    const params = new URLSearchParams({
      created_gte: String(query.createdGte),
      limit: String(query.limit),
      ...(query.startingAfter ? { starting_after: query.startingAfter } : {}),
    });
    return this.send('GET', `/v1/charges?${params.toString()}`, {});
  }

  createRefund(
    input: {
      chargeId: string;
      idempotencyKey: string;
      amountMinor: number;
      metadata: Record<string, string>;
    },
    options: CallOptions = {},
  ): Promise<ProviderRefund> {
    return this.send('POST', `/v1/charges/${encodeURIComponent(input.chargeId)}/refunds`, options, {
      idempotencyKey: input.idempotencyKey,
      body: { amount: input.amountMinor, metadata: input.metadata },
    });
  }

  private send<T>(
    method: 'GET' | 'POST',
    path: string,
    options: CallOptions,
    write?: { idempotencyKey: string; body: unknown },
  ): Promise<T> {
    const deadline = Date.now() + this.options.budgetMs;
    return pRetry(() => this.once<T>(method, path, options.signal, deadline, write), {
      retries: this.options.maxAttempts - 1,
      minTimeout: this.options.retryBaseMs,
      factor: 2,
      randomize: true,
      maxRetryTime: this.options.budgetMs,
      signal: options.signal,
      shouldRetry: ({ error }) => error instanceof ProviderUnavailableError,
      onFailedAttempt: async ({ error }) => {
        // The provider said how long to wait: do so (within reason and the budget).
        const asked = error instanceof ProviderUnavailableError ? error.retryAfterMs : undefined;
        const room = deadline - Date.now();
        if (asked && room > 0)
          await sleep(Math.min(asked, MAX_RETRY_AFTER_MS, room), undefined, {
            signal: options.signal,
          }).catch(() => {});
      },
    });
  }

  private async once<T>(
    method: 'GET' | 'POST',
    path: string,
    signal: AbortSignal | undefined,
    deadline: number,
    write?: { idempotencyKey: string; body: unknown },
  ): Promise<T> {
    const timeoutMs = Math.max(1, Math.min(this.options.timeoutMs, deadline - Date.now()));
    const timeout = AbortSignal.timeout(timeoutMs);
    let response;
    try {
      response = await request(new URL(path, this.options.baseUrl), {
        method,
        headers: {
          authorization: `Bearer ${this.options.apiKey}`,
          accept: 'application/json',
          ...(write
            ? { 'content-type': 'application/json', 'idempotency-key': write.idempotencyKey }
            : {}),
        },
        body: write ? JSON.stringify(write.body) : undefined,
        signal: signal ? AbortSignal.any([signal, timeout]) : timeout,
      });
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      throw new ProviderUnavailableError(`provider ${method} ${path}: ${what}`);
    }
    const text = await response.body.text();
    const status = response.statusCode;
    if (status >= 500 || RETRYABLE_CLIENT_STATUSES.has(status))
      throw new ProviderUnavailableError(
        `provider ${method} ${path} answered ${status}`,
        retryAfterMs(response.headers['retry-after']),
      );
    if (status >= 300)
      throw new ProviderRejectedError(
        `provider ${method} ${path} answered ${status}: ${text.slice(0, 200)}`,
        status,
      );
    return JSON.parse(text) as T;
  }
}
