import type { EventPayload } from '@switchyard/contracts';
import { formatMoney, type Links, type Message } from './message.js';

/** Every subscription.* event carries the same payload, SubscriptionChanged. */
type Subscription = EventPayload<'subscription.renewed'>;

export type SubscriptionEvent =
  | 'subscription.created'
  | 'subscription.trial_started'
  | 'subscription.activated'
  | 'subscription.renewed'
  | 'subscription.payment_failed'
  | 'subscription.recovered'
  | 'subscription.plan_changed'
  | 'subscription.cancel_scheduled'
  | 'subscription.canceled';

export type BillingDocumentEvent = 'invoice.issued' | 'credit_note.issued';

/** A day as people read it, in UTC (the period boundaries billing keeps): "4 Dec 2026". */
export function formatDay(iso: string): string {
  return new Date(iso).toLocaleDateString('en-GB', {
    day: 'numeric',
    month: 'short',
    year: 'numeric',
    timeZone: 'UTC',
  });
}

/** A moment as people read it, in UTC: "4 Dec 2026, 09:30 UTC". */
export function formatMoment(iso: string): string {
  const time = new Date(iso).toLocaleTimeString('en-GB', {
    hour: '2-digit',
    minute: '2-digit',
    timeZone: 'UTC',
  });
  return `${formatDay(iso)}, ${time} UTC`;
}

/** A reason code for people: `card_declined` → "card declined". */
export const humanReason = (reason: string) => reason.replaceAll('_', ' ');

const price = (s: Subscription) => `${formatMoney(s.price)} per period`;

/** What the failed renewal means for the customer: the next try, or the end. */
function retryOutlook(s: Subscription): string {
  return s.nextRetryAt
    ? `We will try again on ${formatMoment(s.nextRetryAt)}.`
    : 'No retry is left: the subscription will be canceled.';
}

const subscriptionComposers: {
  [N in SubscriptionEvent]: (s: Subscription, links: Links) => Message;
} = {
  'subscription.created': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription`,
    body:
      s.status === 'active'
        ? `Your ${s.planName} subscription has started (${price(s)}); it renews on ${formatDay(s.currentPeriodEnd)}.`
        : s.status === 'trialing'
          ? `Your ${s.planName} subscription starts with a free trial until ${formatDay(s.currentPeriodEnd)}.`
          : `We are setting up your ${s.planName} subscription (${price(s)}); it starts once the first payment goes through.`,
  }),
  'subscription.trial_started': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} trial has started`,
    body: `Your free trial of ${s.planName} runs until ${formatDay(s.currentPeriodEnd)}; then it costs ${price(s)} unless you cancel before.`,
  }),
  'subscription.activated': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription has started`,
    body: `Your ${s.planName} subscription is active (${price(s)}); it renews on ${formatDay(s.currentPeriodEnd)}.`,
  }),
  'subscription.renewed': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription was renewed`,
    body: `We charged ${formatMoney(s.price)} for ${s.planName}; the period runs until ${formatDay(s.currentPeriodEnd)}.`,
  }),
  'subscription.payment_failed': (s, links) => ({
    category: 'billing',
    title: `Renewal of your ${s.planName} subscription failed`,
    body:
      `We could not charge ${formatMoney(s.price)} for ${s.planName}` +
      (s.reason ? ` (${humanReason(s.reason)}). ` : '. ') +
      `${retryOutlook(s)} Update your card: ${links.billingAccountUrl}`,
  }),
  'subscription.recovered': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription is back in good standing`,
    body: `The payment for ${s.planName} went through; it renews on ${formatDay(s.currentPeriodEnd)}.`,
  }),
  'subscription.plan_changed': (s) => ({
    category: 'billing',
    title: `You are now on ${s.planName}`,
    body: `Your subscription changed to ${s.planName} (${price(s)}); it renews on ${formatDay(s.currentPeriodEnd)}.`,
  }),
  'subscription.cancel_scheduled': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription ends on ${formatDay(s.currentPeriodEnd)}`,
    body: `Your ${s.planName} subscription will not renew: you keep it until ${formatDay(s.currentPeriodEnd)}, then it is canceled.`,
  }),
  'subscription.canceled': (s) => ({
    category: 'billing',
    title: `Your ${s.planName} subscription was canceled`,
    body:
      `Your ${s.planName} subscription was canceled` +
      (s.reason ? ` (${humanReason(s.reason)}).` : '.') +
      ' You will not be charged for it again.',
  }),
};

const documentComposer = (d: EventPayload<'invoice.issued'>): Message =>
  d.kind === 'invoice'
    ? {
        category: 'billing',
        title: `Invoice ${d.number}`,
        body: `We issued your invoice ${d.number} of ${formatMoney(d.total)} on ${formatDay(d.issuedAt)}.`,
      }
    : {
        category: 'billing',
        title: `Credit note ${d.number}`,
        body: `We issued your credit note ${d.number} of ${formatMoney(d.total)} on ${formatDay(d.issuedAt)}.`,
      };

/** The billing events' messages, in the shape compose-message.ts keeps for every event. */
export const billingComposers: {
  [N in SubscriptionEvent | BillingDocumentEvent]: (data: EventPayload<N>, links: Links) => Message;
} = {
  ...subscriptionComposers,
  'invoice.issued': documentComposer,
  'credit_note.issued': documentComposer,
};
