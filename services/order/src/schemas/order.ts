import { Type, type Static } from '@sinclair/typebox';
import { Money } from '@switchyard/contracts';
import { ORDER_STATUSES } from '../domain/order-status.js';

const Status = Type.Union(ORDER_STATUSES.map((s) => Type.Literal(s)));

export const PlaceOrderBody = Type.Object(
  {
    lines: Type.Array(
      Type.Object(
        {
          productId: Type.String({ format: 'uuid' }),
          quantity: Type.Integer({ minimum: 1, maximum: 100 }),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    paymentMethod: Type.String({
      pattern: '^pm_[A-Za-z0-9_]{1,60}$',
      description:
        'A payment method: the provider’s id of a saved card (pm_1Nx…) or a test card (pm_card_visa)',
    }),
  },
  {
    examples: [
      {
        lines: [{ productId: '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001', quantity: 2 }],
        paymentMethod: 'pm_card_visa',
      },
    ],
    additionalProperties: false,
  },
);
export type PlaceOrderBody = Static<typeof PlaceOrderBody>;

export const OrderLineView = Type.Object({
  productId: Type.String(),
  name: Type.String(),
  quantity: Type.Integer(),
  unitPrice: Money,
  lineTotal: Money,
});

export const OrderView = Type.Object({
  id: Type.String(),
  status: Status,
  total: Money,
  lines: Type.Array(OrderLineView),
  paymentMethod: Type.String(),
  /** Refunded so far (the payment service's running total). */
  refunded: Money,
  cancelReason: Type.Optional(Type.String()),
  timeline: Type.Array(
    Type.Object({
      status: Status,
      at: Type.String({ format: 'date-time' }),
      actor: Type.Union([Type.Literal('customer'), Type.Literal('admin'), Type.Literal('system')]),
      reason: Type.Optional(Type.String()),
    }),
  ),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type OrderView = Static<typeof OrderView>;

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const OrderList = Type.Object({
  items: Type.Array(OrderView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const OrderListQuery = Type.Object(
  {
    status: Type.Optional(Status),
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      description: 'Retry-safe key: the same key and body return the first response (24 h)',
    }),
  ),
});
