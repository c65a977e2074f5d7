import { Type, type Static, type TObject } from '@sinclair/typebox';
import {
  BillingChargeFailed,
  BillingChargeRefunded,
  BillingChargeRequested,
  BillingChargeSucceeded,
  BillingDocumentIssued,
  BillingRefundRequested,
  SubscriptionChanged,
  UserProfileUpdated,
} from './billing-events.js';
import { ProductLowStock, SalesReportGenerated, UserAccessChanged } from './automation-events.js';
import { EmailVerificationRequested, UserDeleted, UserEmailChanged } from './account-events.js';
import { Money } from './money.js';
import { Topics, type Topic } from './topics.js';

const Uuid = Type.String({ format: 'uuid' });

export const UserRegistered = Type.Object(
  { userId: Uuid, email: Type.String(), name: Type.String() },
  { additionalProperties: false },
);

export const PasswordResetRequested = Type.Object(
  {
    userId: Uuid,
    email: Type.String(),
    name: Type.String(),
    /**
     * The single-use reset token, sealed (AES-256-GCM, RESET_TOKEN_SEALING_KEY) for the
     * notification service, which opens it only to put it in the email it sends. Neither the
     * outbox, Kafka, a dead-letter topic nor a stored email ever holds it in plain text; auth
     * keeps only its hash.
     */
    sealedResetToken: Type.String({ minLength: 20, maxLength: 1000 }),
    expiresAt: Type.String({ format: 'date-time' }),
  },
  { additionalProperties: false },
);

export const OrderLine = Type.Object(
  {
    productId: Uuid,
    name: Type.String(),
    quantity: Type.Integer({ minimum: 1 }),
    unitPrice: Money,
  },
  { additionalProperties: false },
);

export const OrderCreated = Type.Object(
  {
    orderId: Uuid,
    userId: Uuid,
    lines: Type.Array(OrderLine, { minItems: 1 }),
    total: Money,
    paymentMethod: Type.String(),
  },
  { additionalProperties: false },
);

export const OrderPaid = Type.Object(
  { orderId: Uuid, userId: Uuid, paymentId: Uuid, total: Money },
  { additionalProperties: false },
);

export const OrderCancelled = Type.Object(
  { orderId: Uuid, userId: Uuid, reason: Type.String() },
  { additionalProperties: false },
);

export const PaymentSucceeded = Type.Object(
  { paymentId: Uuid, orderId: Uuid, userId: Uuid, amount: Money, providerChargeId: Type.String() },
  { additionalProperties: false },
);

export const PaymentFailed = Type.Object(
  { paymentId: Uuid, orderId: Uuid, userId: Uuid, amount: Money, reason: Type.String() },
  { additionalProperties: false },
);

/**
 * The provider needs the customer before the payment can go on (3-D Secure and the like): the
 * order waits for them, within its expiry. `actionUrl` is the provider's page where the customer
 * finishes it; the
 * client secret for the provider's own SDKs is only given to the owner through the API.
 */
export const PaymentActionRequired = Type.Object(
  {
    paymentId: Uuid,
    orderId: Uuid,
    userId: Uuid,
    amount: Money,
    /** Null when the provider leaves it to its client SDK (no return URL was configured). */
    actionUrl: Type.Union([Type.String(), Type.Null()]),
  },
  { additionalProperties: false },
);

export const PaymentRefunded = Type.Object(
  {
    paymentId: Uuid,
    orderId: Uuid,
    userId: Uuid,
    refundId: Uuid,
    /** This refund. */
    amount: Money,
    /** Everything refunded on this payment so far, this refund included. */
    totalRefunded: Money,
    captured: Money,
    reason: Type.String(),
  },
  { additionalProperties: false },
);

interface CatalogEntry {
  /** CloudEvents `type`: reverse-DNS, versioned. */
  ceType: string;
  topic: Topic;
  schema: TObject;
}

/** The one table of events: name → CloudEvents type, topic and payload schema. */
export const eventCatalog = {
  'user.registered': {
    ceType: 'dev.switchyard.user.registered.v1',
    topic: Topics.users,
    schema: UserRegistered,
  },
  'user.password_reset_requested': {
    ceType: 'dev.switchyard.user.password_reset_requested.v1',
    topic: Topics.users,
    schema: PasswordResetRequested,
  },
  'user.profile_updated': {
    ceType: 'dev.switchyard.user.profile_updated.v1',
    topic: Topics.users,
    schema: UserProfileUpdated,
  },
  'user.access_changed': {
    ceType: 'dev.switchyard.user.access_changed.v1',
    topic: Topics.users,
    schema: UserAccessChanged,
  },
  'user.email_verification_requested': {
    ceType: 'dev.switchyard.user.email_verification_requested.v1',
    topic: Topics.users,
    schema: EmailVerificationRequested,
  },
  'user.email_changed': {
    ceType: 'dev.switchyard.user.email_changed.v1',
    topic: Topics.users,
    schema: UserEmailChanged,
  },
  'user.deleted': {
    ceType: 'dev.switchyard.user.deleted.v1',
    topic: Topics.users,
    schema: UserDeleted,
  },
  'order.created': {
    ceType: 'dev.switchyard.order.created.v1',
    topic: Topics.orders,
    schema: OrderCreated,
  },
  'order.paid': {
    ceType: 'dev.switchyard.order.paid.v1',
    topic: Topics.orders,
    schema: OrderPaid,
  },
  'order.cancelled': {
    ceType: 'dev.switchyard.order.cancelled.v1',
    topic: Topics.orders,
    schema: OrderCancelled,
  },
  // Staff events of the order service (its own topic, keyed by the day or the product).
  'report.sales_daily': {
    ceType: 'dev.switchyard.report.sales_daily.v1',
    topic: Topics.orders,
    schema: SalesReportGenerated,
  },
  'product.low_stock': {
    ceType: 'dev.switchyard.product.low_stock.v1',
    topic: Topics.orders,
    schema: ProductLowStock,
  },
  'payment.succeeded': {
    ceType: 'dev.switchyard.payment.succeeded.v1',
    topic: Topics.payments,
    schema: PaymentSucceeded,
  },
  'payment.failed': {
    ceType: 'dev.switchyard.payment.failed.v1',
    topic: Topics.payments,
    schema: PaymentFailed,
  },
  'payment.action_required': {
    ceType: 'dev.switchyard.payment.action_required.v1',
    topic: Topics.payments,
    schema: PaymentActionRequired,
  },
  'payment.refunded': {
    ceType: 'dev.switchyard.payment.refunded.v1',
    topic: Topics.payments,
    schema: PaymentRefunded,
  },
  'payment.billing_charge_succeeded': {
    ceType: 'dev.switchyard.payment.billing_charge_succeeded.v1',
    topic: Topics.payments,
    schema: BillingChargeSucceeded,
  },
  'payment.billing_charge_failed': {
    ceType: 'dev.switchyard.payment.billing_charge_failed.v1',
    topic: Topics.payments,
    schema: BillingChargeFailed,
  },
  'payment.billing_charge_refunded': {
    ceType: 'dev.switchyard.payment.billing_charge_refunded.v1',
    topic: Topics.payments,
    schema: BillingChargeRefunded,
  },
  'billing.charge_requested': {
    ceType: 'dev.switchyard.billing.charge_requested.v1',
    topic: Topics.billing,
    schema: BillingChargeRequested,
  },
  'billing.refund_requested': {
    ceType: 'dev.switchyard.billing.refund_requested.v1',
    topic: Topics.billing,
    schema: BillingRefundRequested,
  },
  'subscription.created': {
    ceType: 'dev.switchyard.subscription.created.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.trial_started': {
    ceType: 'dev.switchyard.subscription.trial_started.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.activated': {
    ceType: 'dev.switchyard.subscription.activated.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.renewed': {
    ceType: 'dev.switchyard.subscription.renewed.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.payment_failed': {
    ceType: 'dev.switchyard.subscription.payment_failed.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.recovered': {
    ceType: 'dev.switchyard.subscription.recovered.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.plan_changed': {
    ceType: 'dev.switchyard.subscription.plan_changed.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.cancel_scheduled': {
    ceType: 'dev.switchyard.subscription.cancel_scheduled.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'subscription.canceled': {
    ceType: 'dev.switchyard.subscription.canceled.v1',
    topic: Topics.billing,
    schema: SubscriptionChanged,
  },
  'invoice.issued': {
    ceType: 'dev.switchyard.invoice.issued.v1',
    topic: Topics.billing,
    schema: BillingDocumentIssued,
  },
  'credit_note.issued': {
    ceType: 'dev.switchyard.credit_note.issued.v1',
    topic: Topics.billing,
    schema: BillingDocumentIssued,
  },
} as const satisfies Record<string, CatalogEntry>;

export type EventName = keyof typeof eventCatalog;
export type EventPayload<N extends EventName> = Static<(typeof eventCatalog)[N]['schema']>;

const byCeType = new Map<string, EventName>(
  Object.entries(eventCatalog).map(([name, entry]) => [entry.ceType, name as EventName]),
);

export function eventNameOfCeType(ceType: string): EventName | undefined {
  return byCeType.get(ceType);
}
