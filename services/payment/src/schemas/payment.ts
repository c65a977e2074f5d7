import { Type } from '@sinclair/typebox';
import { Money, PositiveMoney } from '@switchyard/contracts';

const PaymentStatus = Type.Union([
  Type.Literal('pending'),
  Type.Literal('requires_action'),
  Type.Literal('succeeded'),
  Type.Literal('failed'),
]);

export const PaymentQuery = Type.Object(
  {
    orderId: Type.Optional(Type.String({ format: 'uuid' })),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const AdminPaymentQuery = Type.Object(
  {
    orderId: Type.Optional(Type.String({ format: 'uuid' })),
    userId: Type.Optional(Type.String({ format: 'uuid' })),
    status: Type.Optional(PaymentStatus),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const PaymentIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const RefundView = Type.Object({
  id: Type.String(),
  amount: Money,
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  reason: Type.String(),
  requestedBy: Type.String({
    description: 'admin:<user id>, system (order cancelled), billing or provider',
  }),
  createdAt: Type.String({ format: 'date-time' }),
});

export const PaymentView = Type.Object({
  id: Type.String(),
  purpose: Type.Union([Type.Literal('order'), Type.Literal('subscription')], {
    description: 'What the payment is for: an order, or a subscription charge billing made',
  }),
  orderId: Type.Union([Type.String(), Type.Null()], {
    description: 'The order paid for (purpose order); null for a subscription charge',
  }),
  subscriptionId: Type.Union([Type.String(), Type.Null()], {
    description: 'The subscription charged (purpose subscription); null for an order payment',
  }),
  amount: Money,
  refunded: Money,
  status: PaymentStatus,
  failureReason: Type.Optional(Type.String()),
  nextAction: Type.Optional(
    Type.Object(
      {
        url: Type.Union([Type.String(), Type.Null()], {
          description:
            'Where the customer finishes the payment (the provider’s 3-D Secure page); null when the provider leaves it to its client SDK (no PAYMENT_RETURN_URL)',
        }),
        clientSecret: Type.Union([Type.String(), Type.Null()], {
          description:
            'The PaymentIntent’s client secret, for the provider’s own client SDKs (Stripe.js handleNextAction)',
        }),
      },
      { description: 'Only while status is requires_action: what the customer must do' },
    ),
  ),
  refunds: Type.Array(RefundView),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const AdminPaymentView = Type.Composite([
  PaymentView,
  Type.Object({
    userId: Type.String(),
    providerChargeId: Type.Union([Type.String(), Type.Null()]),
    paymentMethod: Type.String(),
  }),
]);

export const PaymentList = Type.Object({
  items: Type.Array(PaymentView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const AdminPaymentList = Type.Object({
  items: Type.Array(AdminPaymentView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const RefundRequest = Type.Object(
  {
    /** Defaults to everything left to refund. */
    amount: Type.Optional(PositiveMoney),
    reason: Type.String({ minLength: 1, maxLength: 500, default: 'requested_by_admin' }),
  },
  {
    examples: [{ amount: { amount: 500, currency: 'EUR' }, reason: 'damaged in transit' }],
    additionalProperties: false,
  },
);

export const RefundHeaders = Type.Object({
  'idempotency-key': Type.String({
    minLength: 1,
    maxLength: 255,
    description: 'Required: a retried refund request with the same key returns the first refund',
  }),
});
