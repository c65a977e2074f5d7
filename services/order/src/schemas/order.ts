import { Type, type Static } from '@sinclair/typebox';
import { Money } from '@switchyard/contracts';

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
      pattern: '^pm_[a-z0-9_]{1,60}$',
      description: 'A payment method token, e.g. pm_card_visa',
    }),
  },
  { additionalProperties: false },
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
  status: Type.Union([
    Type.Literal('pending_payment'),
    Type.Literal('paid'),
    Type.Literal('cancelled'),
  ]),
  total: Money,
  lines: Type.Array(OrderLineView),
  paymentMethod: Type.String(),
  cancelReason: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});
export type OrderView = Static<typeof OrderView>;

export const OrderIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const OrderList = Type.Object({ items: Type.Array(OrderView) });
