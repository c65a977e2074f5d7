import Stripe from 'stripe';
import type { ProviderClient } from './provider-client.js';

/** A card as a person recognises it; the card itself stays at the provider. */
export interface CardSummary {
  id: string;
  brand: string;
  last4: string;
  expMonth: number;
  expYear: number;
}

/** What saving a card came to. */
export type SetupOutcome =
  | { kind: 'saved'; setupIntentId: string; card: CardSummary }
  | {
      kind: 'requires_action';
      setupIntentId: string;
      url: string | null;
      clientSecret: string | null;
    }
  | { kind: 'declined'; setupIntentId: string | null; reason: string };

const summaryOf = (method: Stripe.PaymentMethod): CardSummary => ({
  id: method.id,
  brand: method.card?.brand ?? 'card',
  last4: method.card?.last4 ?? '????',
  expMonth: method.card?.exp_month ?? 0,
  expYear: method.card?.exp_year ?? 0,
});

/**
 * Saved cards at the provider — Customers, SetupIntents and PaymentMethods through the SDK —
 * with the provider client's retries, budget and error classification. Every write carries an
 * idempotency key derived from what it does, so a retried request never makes a second
 * customer or saves a card twice.
 */
export class SavedMethodsClient {
  constructor(
    private readonly provider: ProviderClient,
    private readonly returnUrl?: string,
  ) {}

  private get stripe(): Stripe {
    return this.provider.sdk;
  }

  /** The provider's customer for one of our users, created once (keyed by the user). */
  createCustomer(userId: string): Promise<string> {
    return this.provider.send('create a customer', {}, async (requestOptions) => {
      const customer = await this.stripe.customers.create(
        { metadata: { user_id: userId } },
        { ...requestOptions, idempotencyKey: `customer-${userId}` },
      );
      return customer.id;
    });
  }

  /**
   * Save a card for off-session use: a SetupIntent created and confirmed with the method the
   * client made (Stripe.js) or a test card. A decline is an outcome, not an error; a card whose
   * bank wants the customer answers what they need to finish it.
   */
  setUp(input: {
    customer: string;
    userId: string;
    paymentMethod: string;
    idempotencyKey: string;
  }): Promise<SetupOutcome> {
    return this.provider.send('save a card', {}, async (requestOptions) => {
      let intent: Stripe.SetupIntent;
      try {
        intent = await this.stripe.setupIntents.create(
          {
            customer: input.customer,
            payment_method: input.paymentMethod,
            confirm: true,
            usage: 'off_session',
            allowed_payment_method_types: ['card'],
            metadata: { user_id: input.userId },
            ...(this.returnUrl ? { return_url: this.returnUrl } : {}),
          },
          { ...requestOptions, idempotencyKey: input.idempotencyKey },
        );
      } catch (error) {
        if (error instanceof Stripe.errors.StripeCardError)
          return {
            kind: 'declined',
            setupIntentId: error.setup_intent?.id ?? null,
            reason: error.decline_code ?? error.code ?? 'card_declined',
          };
        throw error;
      }
      return this.outcomeOf(intent, requestOptions);
    });
  }

  /**
   * A SetupIntent as it stands now (after the customer authenticated, say); null when it is
   * not this customer's, or the provider does not know it.
   */
  readSetup(setupIntentId: string, customer: string): Promise<SetupOutcome | null> {
    return this.provider.send('read a SetupIntent', {}, async (requestOptions) => {
      let intent: Stripe.SetupIntent;
      try {
        intent = await this.stripe.setupIntents.retrieve(setupIntentId, {}, requestOptions);
      } catch (error) {
        if (error instanceof Stripe.errors.StripeInvalidRequestError && error.statusCode === 404)
          return null;
        throw error;
      }
      const owner = typeof intent.customer === 'string' ? intent.customer : intent.customer?.id;
      return owner === customer ? this.outcomeOf(intent, requestOptions) : null;
    });
  }

  /** Take a card off its customer: it can no longer be charged. */
  detach(paymentMethodId: string): Promise<void> {
    return this.provider.send('remove a card', {}, async (requestOptions) => {
      await this.stripe.paymentMethods.detach(
        paymentMethodId,
        {},
        {
          ...requestOptions,
          idempotencyKey: `detach-${paymentMethodId}`,
        },
      );
    });
  }

  private async outcomeOf(
    intent: Stripe.SetupIntent,
    requestOptions: Stripe.RequestOptions,
  ): Promise<SetupOutcome> {
    if (intent.status === 'succeeded') {
      const id =
        typeof intent.payment_method === 'string'
          ? intent.payment_method
          : (intent.payment_method?.id ?? '');
      const method = await this.stripe.paymentMethods.retrieve(id, {}, requestOptions);
      return { kind: 'saved', setupIntentId: intent.id, card: summaryOf(method) };
    }
    if (intent.status === 'requires_action')
      return {
        kind: 'requires_action',
        setupIntentId: intent.id,
        url: intent.next_action?.redirect_to_url?.url ?? null,
        clientSecret: intent.client_secret,
      };
    return {
      kind: 'declined',
      setupIntentId: intent.id,
      reason:
        intent.last_setup_error?.decline_code ?? intent.last_setup_error?.code ?? intent.status,
    };
  }
}
