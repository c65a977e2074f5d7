import { randomBytes } from 'node:crypto';
import type Stripe from 'stripe';
import { newId, unixSeconds } from '../ids.js';

export const clientSecretFor = (id: string) => `${id}_secret_${randomBytes(12).toString('hex')}`;

export function newPaymentIntent(input: {
  amount: number;
  currency: string;
  customer: string | null;
  paymentMethod: string | null;
  paymentMethodTypes: string[];
  allowedPaymentMethodTypes: Stripe.PaymentIntent.AllowedPaymentMethodType[] | null;
  captureMethod: Stripe.PaymentIntent.CaptureMethod;
  setupFutureUsage: Stripe.PaymentIntent.SetupFutureUsage | null;
  description: string | null;
  receiptEmail: string | null;
  metadata: Record<string, string>;
}): Stripe.PaymentIntent {
  const id = newId('pi');
  return {
    id,
    object: 'payment_intent',
    allowed_payment_method_types: input.allowedPaymentMethodTypes,
    amount: input.amount,
    amount_capturable: 0,
    amount_details: { tip: {} },
    amount_received: 0,
    application: null,
    application_fee_amount: null,
    automatic_payment_methods: null,
    canceled_at: null,
    cancellation_reason: null,
    capture_method: input.captureMethod,
    client_secret: clientSecretFor(id),
    confirmation_method: 'automatic',
    created: unixSeconds(),
    currency: input.currency,
    customer: input.customer,
    customer_account: null,
    description: input.description,
    excluded_payment_method_types: null,
    last_payment_error: null,
    latest_charge: null,
    livemode: false,
    managed_payments: null,
    metadata: input.metadata,
    next_action: null,
    on_behalf_of: null,
    payment_method: input.paymentMethod,
    payment_method_configuration_details: null,
    payment_method_options: null,
    payment_method_types: input.paymentMethodTypes,
    payment_record: null,
    processing: null,
    receipt_email: input.receiptEmail,
    review: null,
    setup_future_usage: input.setupFutureUsage,
    shipping: null,
    source: null,
    statement_descriptor: null,
    statement_descriptor_suffix: null,
    status: input.paymentMethod ? 'requires_confirmation' : 'requires_payment_method',
    transfer_group: null,
  };
}
