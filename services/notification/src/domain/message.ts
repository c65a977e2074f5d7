import type { Money } from '@switchyard/contracts';

export const CATEGORIES = ['account', 'order', 'payment', 'billing'] as const;
export type Category = (typeof CATEGORIES)[number];

/** What the inbox and the stream show, and the email's subject. The email's body comes from
 * its templates (templates/<event>.{text,html}.hbs), which may say more (a reset token). */
export interface Message {
  category: Category;
  title: string;
  body: string;
}

/** Links a message may point the customer to, from the service's config. */
export interface Links {
  /** Where a customer updates the card their subscription is charged to. */
  billingAccountUrl: string;
  /** The shop's page that verifies an email address with the token in its query (`?token=`). */
  emailVerificationUrl?: string;
}

/** Format integer minor units for people, e.g. {2500, EUR} → "EUR 25.00". */
export function formatMoney(money: Money): string {
  const digits = money.currency === 'JPY' ? 0 : 2;
  return `${money.currency} ${(money.amount / 10 ** digits).toFixed(digits)}`;
}
