import { Type } from '@sinclair/typebox';
import { Money, PositiveMoney } from './money.js';

const Uuid = Type.String({ format: 'uuid' });
const DateTime = Type.String({ format: 'date-time' });
const NullableString = Type.Union([Type.String(), Type.Null()]);

/**
 * Where a customer's documents go and what they show: written by auth when the customer edits
 * their profile; billing keeps its own copy for the invoices it issues.
 */
export const BillingAddress = Type.Object(
  {
    line1: Type.String({ minLength: 1, maxLength: 200 }),
    line2: Type.Union([Type.String({ maxLength: 200 }), Type.Null()]),
    city: Type.String({ minLength: 1, maxLength: 100 }),
    postalCode: Type.String({ minLength: 1, maxLength: 20 }),
    region: Type.Union([Type.String({ maxLength: 100 }), Type.Null()]),
    /** ISO 3166-1 alpha-2: the tax table is keyed by it. */
    country: Type.String({ pattern: '^[A-Z]{2}$' }),
  },
  { additionalProperties: false },
);

export const UserProfileUpdated = Type.Object(
  {
    userId: Uuid,
    name: Type.String(),
    /** Null until the customer gives one. */
    billingAddress: Type.Union([BillingAddress, Type.Null()]),
  },
  { additionalProperties: false },
);

/**
 * Billing asks payment to charge a customer's saved method off-session for a subscription
 * period. `chargeId` is derived from the subscription, the period and the attempt, and is the
 * payment's id, so the provider's idempotency key: one attempt is charged at most once however
 * often it is asked.
 */
export const BillingChargeRequested = Type.Object(
  {
    chargeId: Uuid,
    subscriptionId: Uuid,
    userId: Uuid,
    amount: PositiveMoney,
    paymentMethod: Type.String(),
    description: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);

/** Billing asks payment to give part of a charge back (a prorated credit on cancel-now). */
export const BillingRefundRequested = Type.Object(
  {
    refundId: Uuid,
    chargeId: Uuid,
    subscriptionId: Uuid,
    userId: Uuid,
    amount: PositiveMoney,
    reason: Type.String({ maxLength: 200 }),
  },
  { additionalProperties: false },
);

const billingChargeCommon = {
  paymentId: Uuid,
  chargeId: Uuid,
  subscriptionId: Uuid,
  userId: Uuid,
  amount: Money,
};

export const BillingChargeSucceeded = Type.Object(
  { ...billingChargeCommon, providerChargeId: Type.String() },
  { additionalProperties: false },
);

export const BillingChargeFailed = Type.Object(
  { ...billingChargeCommon, reason: Type.String() },
  { additionalProperties: false },
);

export const BillingChargeRefunded = Type.Object(
  {
    ...billingChargeCommon,
    refundId: Uuid,
    /** This refund (`amount` is what was captured). */
    refunded: Money,
    totalRefunded: Money,
    reason: Type.String(),
  },
  { additionalProperties: false },
);

/**
 * Every subscription.* event carries the subscription as it stands after the change, and why
 * it changed: consumers need no other read to tell the customer.
 */
export const SubscriptionChanged = Type.Object(
  {
    subscriptionId: Uuid,
    userId: Uuid,
    planId: Uuid,
    planName: Type.String(),
    status: Type.Union([
      Type.Literal('incomplete'),
      Type.Literal('trialing'),
      Type.Literal('active'),
      Type.Literal('past_due'),
      Type.Literal('canceled'),
    ]),
    price: Money,
    currentPeriodStart: DateTime,
    currentPeriodEnd: DateTime,
    cancelAtPeriodEnd: Type.Boolean(),
    /** Why it changed (e.g. `card_declined` on a failed renewal), or null. */
    reason: NullableString,
    /** While past due: when the next retry is; null when none is left. */
    nextRetryAt: Type.Union([DateTime, Type.Null()]),
  },
  { additionalProperties: false },
);

/** An invoice or credit note was issued (numbered, immutable from now on). */
export const BillingDocumentIssued = Type.Object(
  {
    documentId: Uuid,
    kind: Type.Union([Type.Literal('invoice'), Type.Literal('credit_note')]),
    number: Type.String(),
    userId: Uuid,
    total: Money,
    /** A credit note's invoice; null for an invoice. */
    invoiceId: Type.Union([Uuid, Type.Null()]),
    issuedAt: DateTime,
    /**
     * The document as rendered, PDF in base64 (a page is a few kilobytes): the customer's email
     * attaches exactly the bytes the download serves, without asking billing for them.
     */
    pdfBase64: Type.String({ maxLength: 700_000 }),
  },
  { additionalProperties: false },
);
