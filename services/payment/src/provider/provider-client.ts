import { setTimeout as sleep } from 'node:timers/promises';
import pRetry from 'p-retry';
import Stripe from 'stripe';
import { classifyProviderError } from './provider-errors.js';
import {
  ProviderUnavailableError,
  type ProviderCharge,
  type ProviderRefund,
} from './provider-types.js';
import { createStripeApi, withCallSignal } from './stripe-api.js';
import { chargeSnapshot, refundSnapshot } from './stripe-snapshot.js';

export interface ProviderClientOptions {
  /** https://api.stripe.com, or the sandbox. */
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
  /** Aborted at shutdown: every request in flight ends at once (its work is redone later). */
  shutdown?: AbortSignal;
  /** Where the customer returns after authenticating on the provider's page (PAYMENT_RETURN_URL). */
  returnUrl?: string;
}

/** Per call: an abort signal (a lost partition, a lost lease) that ends waits and requests. */
export interface CallOptions {
  signal?: AbortSignal;
}

const MAX_RETRY_AFTER_MS = 5_000;
/** More refunds than this on one payment is not a shop's refund, it is a bug: read one page. */
const REFUNDS_PAGE = 100;

/**
 * The payment provider — Stripe's API through its official SDK (PaymentIntents, Refunds) —
 * as the payment service needs it. Every write carries our idempotency key, so a retry after a
 * timeout, a 5xx or a "come back later" (408, 409, 425, 429) can never charge or refund twice;
 * retries back off exponentially with jitter, honour Retry-After, and stop at the call's
 * budget. Answers come back as ProviderCharge snapshots for the one state machine.
 */
export class ProviderClient {
  private readonly stripe: Stripe;

  constructor(private readonly options: ProviderClientOptions) {
    this.stripe = createStripeApi({
      url: options.baseUrl,
      apiKey: options.apiKey,
      timeoutMs: options.timeoutMs,
      shutdown: options.shutdown ?? new AbortController().signal,
    });
  }

  /** The SDK, for webhook verification (it holds the crypto the SDK verifies with). */
  get sdk(): Stripe {
    return this.stripe;
  }

  /** The longest one call may take, retries included. */
  get callBudgetMs(): number {
    return this.options.budgetMs;
  }

  /**
   * Create and confirm a PaymentIntent. A decline is an answer (a failed snapshot), not an
   * error: Stripe reports it as a card error carrying the PaymentIntent.
   */
  createCharge(
    input: {
      idempotencyKey: string;
      amountMinor: number;
      currency: string;
      paymentMethod: string;
      /** The provider's customer the method is saved to, when it is a saved one. */
      customer?: string;
      /**
       * Nobody is there to authenticate (a renewal): Stripe then declines a card that would ask
       * for it (`authentication_required`) rather than wait for the customer.
       */
      offSession?: boolean;
      description?: string;
      metadata: Record<string, string>;
    },
    options: CallOptions = {},
  ): Promise<ProviderCharge> {
    return this.send('create a PaymentIntent', options, async (requestOptions) => {
      try {
        const intent = await this.stripe.paymentIntents.create(
          {
            amount: input.amountMinor,
            currency: input.currency,
            payment_method: input.paymentMethod,
            ...(input.customer ? { customer: input.customer } : {}),
            allowed_payment_method_types: ['card'],
            confirm: true,
            metadata: input.metadata,
            ...(input.description ? { description: input.description } : {}),
            ...(input.offSession
              ? { off_session: true }
              : this.options.returnUrl
                ? { return_url: this.options.returnUrl }
                : {}),
          },
          { ...requestOptions, idempotencyKey: input.idempotencyKey },
        );
        return chargeSnapshot(intent);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError && error.payment_intent)
          return chargeSnapshot(error.payment_intent);
        throw error;
      }
    });
  }

  /** A PaymentIntent with its refunds, as the provider holds it now. */
  getCharge(intentId: string, options: CallOptions = {}): Promise<ProviderCharge> {
    return this.send('read a PaymentIntent', options, async (requestOptions) => {
      const [intent, refunds] = await Promise.all([
        this.stripe.paymentIntents.retrieve(intentId, {}, requestOptions),
        this.stripe.refunds.list({ payment_intent: intentId, limit: REFUNDS_PAGE }, requestOptions),
      ]);
      return chargeSnapshot(intent, refunds.data);
    });
  }

  /**
   * One page of PaymentIntents created since `createdGte`, oldest page first as the API gives
   * them, each with its refunds when its charge was refunded (one more read each: refunds are
   * rare, and reconciliation is where a dashboard refund is found).
   */
  listCharges(query: {
    createdGte: number;
    startingAfter?: string;
    limit: number;
  }): Promise<{ data: ProviderCharge[]; has_more: boolean }> {
    return this.send('list PaymentIntents', {}, async (requestOptions) => {
      const page = await this.stripe.paymentIntents.list(
        {
          created: { gte: query.createdGte },
          limit: query.limit,
          expand: ['data.latest_charge'],
          ...(query.startingAfter ? { starting_after: query.startingAfter } : {}),
        },
        requestOptions,
      );
      const data = await Promise.all(
        page.data.map(async (intent) => {
          const charge = typeof intent.latest_charge === 'object' ? intent.latest_charge : null;
          if (!charge?.amount_refunded) return chargeSnapshot(intent);
          const refunds = await this.stripe.refunds.list(
            { payment_intent: intent.id, limit: REFUNDS_PAGE },
            requestOptions,
          );
          return chargeSnapshot(intent, refunds.data);
        }),
      );
      return { data, has_more: page.has_more };
    });
  }

  /**
   * Cancel a PaymentIntent that still waits (for the customer, for capture), so it can never be
   * paid later. One that has moved on is refused by the provider: the caller reads it instead.
   */
  cancelCharge(intentId: string, options: CallOptions = {}): Promise<ProviderCharge> {
    return this.send('cancel a PaymentIntent', options, async (requestOptions) =>
      chargeSnapshot(
        await this.stripe.paymentIntents.cancel(
          intentId,
          { cancellation_reason: 'abandoned' },
          { ...requestOptions, idempotencyKey: `cancel-${intentId}` },
        ),
      ),
    );
  }

  createRefund(
    input: {
      /** The PaymentIntent to refund. */
      chargeId: string;
      idempotencyKey: string;
      amountMinor: number;
      metadata: Record<string, string>;
    },
    options: CallOptions = {},
  ): Promise<ProviderRefund> {
    return this.send('create a refund', options, async (requestOptions) =>
      refundSnapshot(
        await this.stripe.refunds.create(
          { payment_intent: input.chargeId, amount: input.amountMinor, metadata: input.metadata },
          { ...requestOptions, idempotencyKey: input.idempotencyKey },
        ),
      ),
    );
  }

  /** Run `call` with retries within the budget; its SDK errors classified. */
  send<T>(
    what: string,
    options: CallOptions,
    call: (requestOptions: Stripe.RequestOptions) => Promise<T>,
  ): Promise<T> {
    const deadline = Date.now() + this.options.budgetMs;
    const once = () => {
      const timeout = Math.max(1, Math.min(this.options.timeoutMs, deadline - Date.now()));
      return withCallSignal(options.signal, () => call({ timeout })).catch((error: unknown) => {
        throw classifyProviderError(what, error);
      });
    };
    return pRetry(once, {
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
}
