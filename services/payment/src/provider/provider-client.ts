import pRetry from 'p-retry';
import { request } from 'undici';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  type ProviderCharge,
  type ProviderRefund,
} from './provider-types.js';

export interface ProviderClientOptions {
  baseUrl: string;
  apiKey: string;
  timeoutMs: number;
  maxAttempts: number;
  retryBaseMs: number;
}

/**
 * The payment provider's merchant API over HTTP. Every write carries an idempotency key, so a
 * retry after a timeout or a 5xx can never charge or refund twice; retries back off
 * exponentially with jitter. Redirects are never followed (undici's request does not, and a
 * 3xx is an error): a provider API that redirects is misconfigured or compromised.
 */
export class ProviderClient {
  constructor(private readonly options: ProviderClientOptions) {}

  createCharge(input: {
    idempotencyKey: string;
    amountMinor: number;
    currency: string;
    paymentMethod: string;
    metadata: Record<string, string>;
  }): Promise<ProviderCharge> {
    return this.send('POST', '/v1/charges', {
      idempotencyKey: input.idempotencyKey,
      body: {
        amount: input.amountMinor,
        currency: input.currency,
        payment_method: input.paymentMethod,
        metadata: input.metadata,
      },
    });
  }

  getCharge(chargeId: string): Promise<ProviderCharge> {
    return this.send('GET', `/v1/charges/${encodeURIComponent(chargeId)}`);
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
    return this.send('GET', `/v1/charges?${params.toString()}`);
  }

  createRefund(input: {
    chargeId: string;
    idempotencyKey: string;
    amountMinor: number;
    metadata: Record<string, string>;
  }): Promise<ProviderRefund> {
    return this.send('POST', `/v1/charges/${encodeURIComponent(input.chargeId)}/refunds`, {
      idempotencyKey: input.idempotencyKey,
      body: { amount: input.amountMinor, metadata: input.metadata },
    });
  }

  private send<T>(
    method: 'GET' | 'POST',
    path: string,
    write?: { idempotencyKey: string; body: unknown },
  ): Promise<T> {
    return pRetry(() => this.once<T>(method, path, write), {
      retries: this.options.maxAttempts - 1,
      minTimeout: this.options.retryBaseMs,
      factor: 2,
      randomize: true,
      shouldRetry: ({ error }) => error instanceof ProviderUnavailableError,
    });
  }

  private async once<T>(
    method: 'GET' | 'POST',
    path: string,
    write?: { idempotencyKey: string; body: unknown },
  ): Promise<T> {
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
        signal: AbortSignal.timeout(this.options.timeoutMs),
      });
    } catch (error) {
      const what = error instanceof Error ? error.message : String(error);
      throw new ProviderUnavailableError(`provider ${method} ${path}: ${what}`);
    }
    const text = await response.body.text();
    const status = response.statusCode;
    if (status >= 500)
      throw new ProviderUnavailableError(`provider ${method} ${path} answered ${status}`);
    if (status >= 300)
      throw new ProviderRejectedError(
        `provider ${method} ${path} answered ${status}: ${text.slice(0, 200)}`,
        status,
      );
    return JSON.parse(text) as T;
  }
}
