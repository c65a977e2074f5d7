import type Stripe from 'stripe';
import type { SandboxClock } from './clock.js';
import type { SandboxConfig } from './config.js';
import { newEvent, type EventCause, type SandboxEvent } from './events.js';
import type { IdempotencyRecords } from './idempotency.js';
import type { SandboxCharge } from './objects/charge.js';
import type { ObjectStore, StoredObject } from './store.js';
import { resourceMissing } from './stripe-errors.js';
import { testMethodOf, type TestMethod } from './test-methods.js';
import type { WebhookSender } from './webhooks.js';

/**
 * The sandbox account: its objects, clock, idempotent answers and webhook endpoint — what
 * every domain function and route works on.
 */
export class Sandbox {
  constructor(
    readonly config: SandboxConfig,
    readonly store: ObjectStore,
    readonly clock: SandboxClock,
    readonly idempotency: IdempotencyRecords,
    readonly webhooks: WebhookSender,
    /** Stops the sandbox's own waits (hangs, slow answers) when it closes. */
    readonly closing: AbortSignal,
  ) {}

  event(type: Stripe.Event.Type, object: StoredObject, cause: EventCause): SandboxEvent {
    return newEvent(type, object, cause, this.webhooks.endpoints);
  }

  /** Send events of one stream (a payment intent, a customer…) in order. */
  publish(stream: string, events: SandboxEvent[], copies = 1): void {
    this.webhooks.send(stream, events, copies);
  }

  /** The object, or a Stripe "No such …" error (404 in a path, 400 naming `param`). */
  find<T extends StoredObject>(kind: string, id: string, param?: string): T {
    const found = this.store.get<T>(id, kind);
    if (!found) throw resourceMissing(kind, id, param);
    return found;
  }

  paymentIntent = (id: string, param?: string) =>
    this.find<Stripe.PaymentIntent>('payment_intent', id, param);
  charge = (id: string, param?: string) => this.find<SandboxCharge>('charge', id, param);
  customer = (id: string, param?: string) => this.find<Stripe.Customer>('customer', id, param);
  paymentMethod = (id: string, param?: string) =>
    this.find<Stripe.PaymentMethod>('payment_method', id, param);
  setupIntent = (id: string, param?: string) =>
    this.find<Stripe.SetupIntent>('setup_intent', id, param);

  /** The test card behind a payment method (a plain Visa for one made otherwise). */
  testMethodOf(paymentMethodId: string | null): TestMethod {
    return testMethodOf(
      paymentMethodId ? this.store.internalsOf(paymentMethodId).testCard : undefined,
    );
  }

  /** Webhook copies for this payment method's events (`pm_card_duplicate_webhook`: two). */
  copiesFor(paymentMethodId: string | null): number {
    return this.testMethodOf(paymentMethodId).duplicateWebhooks ? 2 : 1;
  }
}
