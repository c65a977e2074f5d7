import { AsyncLocalStorage } from 'node:async_hooks';
import Stripe from 'stripe';
import { refuseRedirect } from './provider-errors.js';

/**
 * The abort signal of the provider call running in this async context (a consumer that lost
 * its partition, a watchdog pass whose lease ended). The SDK takes no signal per request, so
 * the fetch it is given reads this one.
 */
const callSignal = new AsyncLocalStorage<AbortSignal>();

/** Run `call` so that aborting `signal` ends its HTTP request at once. */
export function withCallSignal<T>(signal: AbortSignal | undefined, call: () => Promise<T>) {
  return signal ? callSignal.run(signal, call) : call();
}

export interface StripeApiOptions {
  /** Where the API is: https://api.stripe.com in production, the sandbox locally. */
  url: string;
  apiKey: string;
  /** Longest wait for one HTTP request. */
  timeoutMs: number;
  /** Aborted at shutdown: every request in flight ends at once. */
  shutdown: AbortSignal;
}

/**
 * The official Stripe SDK, pointed at PROVIDER_URL (host, port and protocol are the SDK's own
 * settings, so the same code talks to Stripe and to the sandbox). Its own retries are off: the
 * provider client retries within a budget of its own and with our idempotency keys. Requests go
 * through fetch with redirects refused (a provider API that redirects is misconfigured or
 * compromised) and with the shutdown and per-call signals attached.
 */
export function createStripeApi(options: StripeApiOptions): Stripe {
  const url = new URL(options.url);
  const fetchWithSignals: typeof fetch = (input, init) => {
    const signals = [init?.signal, options.shutdown, callSignal.getStore()].filter(
      (s): s is AbortSignal => s != null,
    );
    return fetch(input, { ...init, redirect: 'manual', signal: AbortSignal.any(signals) }).then(
      refuseRedirect,
    );
  };
  return new Stripe(options.apiKey, {
    host: url.hostname,
    port: url.port || (url.protocol === 'https:' ? 443 : 80),
    protocol: url.protocol === 'https:' ? 'https' : 'http',
    maxNetworkRetries: 0,
    timeout: options.timeoutMs,
    httpClient: Stripe.createFetchHttpClient(fetchWithSignals),
    telemetry: false,
    appInfo: { name: 'switchyard-payment' },
  });
}
