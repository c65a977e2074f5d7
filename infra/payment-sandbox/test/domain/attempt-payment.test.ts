import { loadConfig } from '@switchyard/service-kit';
import type { FastifyBaseLogger } from 'fastify';
import { SandboxClock } from '../../src/clock.js';
import { SandboxConfig } from '../../src/config.js';
import { attemptPayment } from '../../src/domain/attempt-payment.js';
import { resolvePaymentMethod } from '../../src/domain/resolve-payment-method.js';
import { automatic } from '../../src/events.js';
import { IdempotencyRecords } from '../../src/idempotency.js';
import { newPaymentIntent } from '../../src/objects/payment-intent.js';
import { Sandbox } from '../../src/sandbox.js';
import { ObjectStore } from '../../src/store.js';
import { WebhookSender } from '../../src/webhooks.js';

/** A sandbox account in memory, without a server or a webhook endpoint. */
function account() {
  const config = loadConfig(SandboxConfig, { PORT: '0', LOG_LEVEL: 'silent' });
  const quiet = () => undefined;
  const log = {
    warn: quiet,
    error: quiet,
    info: quiet,
    debug: quiet,
  } as unknown as FastifyBaseLogger;
  const webhooks = new WebhookSender({ secret: 'whsec_unit', retryMs: 1, maxAttempts: 1, log });
  const closing = new AbortController();
  return new Sandbox(
    config,
    new ObjectStore(),
    new SandboxClock(),
    new IdempotencyRecords(),
    webhooks,
    closing.signal,
  );
}

const intentFor = (paymentMethod: string) =>
  newPaymentIntent({
    amount: 1000,
    currency: 'eur',
    customer: null,
    paymentMethod,
    paymentMethodTypes: ['card'],
    allowedPaymentMethodTypes: null,
    captureMethod: 'automatic',
    setupFutureUsage: null,
    description: null,
    receiptEmail: null,
    metadata: {},
  });

/** A payment with a test card id (a new card) or a card already made (its pm_ id). */
function attempt(sandbox: Sandbox, card: string, options: { offSession?: boolean } = {}) {
  const method = resolvePaymentMethod(sandbox, card);
  const intent = intentFor(method.id);
  sandbox.store.save(intent);
  const result = attemptPayment(sandbox, intent, {
    cause: automatic,
    requestedMs: Date.now(),
    offSession: options.offSession ?? false,
    returnUrl: null,
    baseUrl: 'http://sandbox.test',
  });
  return { intent, method, ...result };
}

describe('attemptPayment (domain, no server)', () => {
  it('asks for authentication on session and declines authentication_required off session', () => {
    const sandbox = account();
    const asking = attempt(sandbox, 'pm_card_authenticationRequired');
    expect(asking.intent.status).toBe('requires_action');
    expect(asking.intent.next_action?.redirect_to_url?.url).toBe(
      `http://sandbox.test/authenticate/${asking.intent.id}`,
    );
    expect(asking.intent.latest_charge).toBeNull();
    const offSession = attempt(sandbox, 'pm_card_authenticationRequired', { offSession: true });
    expect(offSession.error?.body).toMatchObject({
      type: 'card_error',
      code: 'authentication_required',
    });
    expect(offSession.intent.status).toBe('requires_payment_method');
  });

  it('declines a card once the sandbox clock is past the end of its expiry month', () => {
    const sandbox = account();
    const first = attempt(sandbox, 'pm_card_sandbox_expiresNextMonth');
    expect(first.intent.status).toBe('succeeded');
    sandbox.clock.advance(62 * 86_400);
    const later = attempt(sandbox, first.method.id);
    expect(later.error?.body).toMatchObject({ code: 'expired_card', decline_code: 'expired_card' });
  });

  it('counts the charges of a card: pm_card_sandbox_failsAfterFirstCharge declines the second', () => {
    const sandbox = account();
    const { method } = attempt(sandbox, 'pm_card_sandbox_failsAfterFirstCharge');
    const second = attemptPayment(sandbox, intentFor(method.id), {
      cause: automatic,
      requestedMs: Date.now(),
      offSession: true,
      returnUrl: null,
      baseUrl: 'http://sandbox.test',
    });
    expect(second.error?.body).toMatchObject({
      code: 'card_declined',
      decline_code: 'generic_decline',
    });
    expect(second.events.map((e) => e.type)).toEqual([
      'charge.failed',
      'payment_intent.payment_failed',
    ]);
  });
});
