import { Type } from '@sinclair/typebox';
import { Amount, Expand, Metadata } from './common.js';

export const CreateRefund = Type.Object(
  {
    payment_intent: Type.Optional(Type.String({ maxLength: 255 })),
    charge: Type.Optional(Type.String({ maxLength: 255 })),
    /** Defaults to everything not yet refunded. */
    amount: Type.Optional(Amount),
    reason: Type.Optional(
      Type.Union([
        Type.Literal('duplicate'),
        Type.Literal('fraudulent'),
        Type.Literal('requested_by_customer'),
      ]),
    ),
    metadata: Type.Optional(Metadata),
    expand: Expand,
  },
  { additionalProperties: false },
);
