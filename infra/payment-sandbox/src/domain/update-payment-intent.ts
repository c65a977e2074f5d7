import type { Static } from '@sinclair/typebox';
import type Stripe from 'stripe';
import type { Sandbox } from '../sandbox.js';
import type { UpdatePaymentIntent } from '../schemas/payment-intents.js';
import { unexpectedState } from '../stripe-errors.js';
import { resolvePaymentMethod } from './resolve-payment-method.js';

const unconfirmed = new Set([
  'requires_payment_method',
  'requires_confirmation',
  'requires_action',
]);

/**
 * Update a PaymentIntent: its metadata and description at any time (an empty metadata value
 * removes the key), what it charges only before it is confirmed, as Stripe allows.
 */
export function updatePaymentIntent(
  sandbox: Sandbox,
  intent: Stripe.PaymentIntent,
  params: Static<typeof UpdatePaymentIntent>,
): Stripe.PaymentIntent {
  const { metadata, description, expand: _expand, ...payment } = params;
  if (Object.keys(payment).length > 0 && !unconfirmed.has(intent.status))
    throw unexpectedState('PaymentIntent', intent.status, 'updated');
  if (payment.customer) intent.customer = sandbox.customer(payment.customer, 'customer').id;
  if (payment.payment_method) {
    intent.payment_method = resolvePaymentMethod(sandbox, payment.payment_method).id;
    intent.status = 'requires_confirmation';
  }
  if (payment.amount !== undefined) intent.amount = payment.amount;
  if (payment.currency) intent.currency = payment.currency.toLowerCase();
  if (payment.receipt_email !== undefined) intent.receipt_email = payment.receipt_email || null;
  if (payment.setup_future_usage) intent.setup_future_usage = payment.setup_future_usage;
  if (description !== undefined) intent.description = description || null;
  for (const [key, value] of Object.entries(metadata ?? {}))
    if (value === '') delete intent.metadata[key];
    else intent.metadata[key] = value;
  return sandbox.store.save(intent);
}
