import type Stripe from 'stripe';
import { newId, unixSeconds } from '../ids.js';
import { clientSecretFor } from './payment-intent.js';

export function newSetupIntent(input: {
  customer: string | null;
  paymentMethod: string | null;
  paymentMethodTypes: string[];
  allowedPaymentMethodTypes: Stripe.SetupIntent.AllowedPaymentMethodType[] | null;
  usage: string;
  description: string | null;
  metadata: Record<string, string>;
}): Stripe.SetupIntent {
  const id = newId('seti');
  return {
    id,
    object: 'setup_intent',
    allowed_payment_method_types: input.allowedPaymentMethodTypes,
    application: null,
    automatic_payment_methods: null,
    cancellation_reason: null,
    client_secret: clientSecretFor(id),
    created: unixSeconds(),
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    flow_directions: null,
    last_setup_error: null,
    latest_attempt: null,
    livemode: false,
    mandate: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: input.paymentMethodTypes,
    single_use_mandate: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    usage: input.usage,
  };
}
