import { Type } from '@sinclair/typebox';
import { Money } from '@switchyard/contracts';

export const PaymentQuery = Type.Object(
  { orderId: Type.Optional(Type.String({ format: 'uuid' })) },
  { additionalProperties: false },
);

export const PaymentView = Type.Object({
  id: Type.String(),
  orderId: Type.String(),
  amount: Money,
  status: Type.Union([Type.Literal('pending'), Type.Literal('succeeded'), Type.Literal('failed')]),
  failureReason: Type.Optional(Type.String()),
  createdAt: Type.String({ format: 'date-time' }),
  updatedAt: Type.String({ format: 'date-time' }),
});

export const PaymentList = Type.Object({ items: Type.Array(PaymentView) });
