import Stripe from 'stripe';
import {
  ProviderRejectedError,
  ProviderUnavailableError,
  RETRYABLE_CLIENT_STATUSES,
} from './provider-types.js';

/** Retry-After in seconds or as an HTTP date, in milliseconds; undefined when absent or bad. */
export function retryAfterMs(header: string | string[] | undefined): number | undefined {
  const value = Array.isArray(header) ? header[0] : header;
  if (!value) return undefined;
  const seconds = Number(value);
  const ms = Number.isFinite(seconds) ? seconds * 1000 : Date.parse(value) - Date.now();
  return Number.isFinite(ms) && ms >= 0 ? ms : undefined;
}

/**
 * What an SDK failure means for us: "not now" (unreachable, timed out, 5xx, 408/409/425/429 —
 * retried with the same idempotency key) or "no" (any other 4xx, a redirect). A card decline is
 * not an error here: the caller reads it as the declined PaymentIntent it carries.
 */
export function classifyProviderError(what: string, error: unknown): Error {
  if (error instanceof Stripe.errors.StripeError) {
    const status = error.statusCode;
    const detail = `provider ${what}: ${error.message}`;
    if (
      error instanceof Stripe.errors.StripeConnectionError ||
      status === undefined ||
      status >= 500 ||
      RETRYABLE_CLIENT_STATUSES.has(status)
    )
      return new ProviderUnavailableError(
        status ? `${detail} (${status})` : detail,
        retryAfterMs(error.headers?.['retry-after']),
      );
    return new ProviderRejectedError(`${detail} (${status})`, status);
  }
  const message = error instanceof Error ? error.message : String(error);
  return new ProviderUnavailableError(`provider ${what}: ${message}`);
}

/**
 * Turn a redirect into an answer the SDK reports as a refused request, with its status kept: the
 * SDK would otherwise read a 3xx's empty body as "invalid JSON", which says nothing about why.
 */
export function refuseRedirect(response: Response): Response {
  if (response.status < 300 || response.status >= 400) return response;
  const location = response.headers.get('location') ?? 'elsewhere';
  return new Response(
    JSON.stringify({
      error: {
        type: 'invalid_request_error',
        message: `the provider answered ${response.status}, a redirect to ${location}: never followed`,
      },
    }),
    { status: response.status, headers: { 'content-type': 'application/json' } },
  );
}
