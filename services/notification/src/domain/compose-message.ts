import type { EventName, EventPayload } from '@switchyard/contracts';
import {
  billingComposers,
  type BillingDocumentEvent,
  type SubscriptionEvent,
} from './compose-billing-message.js';
import { formatMoney, type Links, type Message } from './message.js';

export { CATEGORIES, formatMoney, type Category, type Links, type Message } from './message.js';

export type NotifiableEvent =
  | 'user.registered'
  | 'user.password_reset_requested'
  | 'user.email_verification_requested'
  | 'user.email_changed'
  | 'order.created'
  | 'order.paid'
  | 'order.cancelled'
  | 'payment.failed'
  | 'payment.action_required'
  | 'payment.refunded'
  | SubscriptionEvent
  | BillingDocumentEvent;

const shortId = (id: string) => id.slice(0, 8);

const composers: {
  [N in NotifiableEvent]: (data: EventPayload<N>, links: Links) => Message;
} = {
  'user.registered': (d) => ({
    category: 'account',
    title: 'Welcome to Switchyard',
    body: `Hello ${d.name}, your account ${d.email} is ready.`,
  }),
  'user.password_reset_requested': () => ({
    category: 'account',
    title: 'Password reset requested',
    body: 'A password reset was requested for your account. The link was sent by email.',
  }),
  'user.email_verification_requested': (d) => ({
    category: 'account',
    title: 'Verify your email address',
    body:
      d.purpose === 'change'
        ? `A link to confirm ${d.email} as your new address was sent there.`
        : `A link to verify ${d.email} was sent by email.`,
  }),
  'user.email_changed': (d) => ({
    category: 'account',
    title: 'Your email address was changed',
    body: `Your account's email address is now ${d.email} (it was ${d.previousEmail}).`,
  }),
  'order.created': (d) => ({
    category: 'order',
    title: `Order ${shortId(d.orderId)} received`,
    body: `We received your order ${d.orderId} of ${formatMoney(d.total)}; it is confirmed once paid.`,
  }),
  'order.paid': (d) => ({
    category: 'order',
    title: `Order ${shortId(d.orderId)} is confirmed`,
    body: `We received your payment of ${formatMoney(d.total)} for order ${d.orderId}.`,
  }),
  'order.cancelled': (d) => ({
    category: 'order',
    title: `Order ${shortId(d.orderId)} was cancelled`,
    body: `Your order ${d.orderId} was cancelled (${d.reason}). Any reserved items were released.`,
  }),
  'payment.failed': (d) => ({
    category: 'payment',
    title: `Payment for order ${shortId(d.orderId)} failed`,
    body: `Your payment of ${formatMoney(d.amount)} for order ${d.orderId} was not accepted (${d.reason}).`,
  }),
  'payment.action_required': (d) => ({
    category: 'payment',
    title: `Confirm your payment for order ${shortId(d.orderId)}`,
    body:
      `Your bank needs you to confirm the payment of ${formatMoney(d.amount)} for order ${d.orderId}` +
      (d.actionUrl ? `: ${d.actionUrl}` : ' — open your order in the shop to confirm it.'),
  }),
  'payment.refunded': (d) => ({
    category: 'payment',
    title: `Refund of ${formatMoney(d.amount)} for order ${shortId(d.orderId)}`,
    body:
      `We refunded ${formatMoney(d.amount)} for order ${d.orderId}` +
      (d.totalRefunded.amount < d.captured.amount
        ? ` (${formatMoney(d.totalRefunded)} of ${formatMoney(d.captured)} refunded so far).`
        : ` — the full ${formatMoney(d.captured)} has now been refunded.`) +
      ' It may take a few days to appear on your statement.',
  }),
  ...billingComposers,
};

/** What to tell a customer about an event: the same words in the inbox and in the email. */
export function composeMessage<N extends NotifiableEvent>(
  name: N,
  data: EventPayload<N>,
  links: Links,
): Message {
  return composers[name](data, links);
}

export const notifiableEvents = Object.keys(composers) as NotifiableEvent[];

export function isNotifiable(name: EventName): name is NotifiableEvent {
  return (notifiableEvents as string[]).includes(name);
}
