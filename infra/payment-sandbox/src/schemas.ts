import { Type } from '@sinclair/typebox';

const Metadata = Type.Record(Type.String({ maxLength: 40 }), Type.String({ maxLength: 500 }), {
  maxProperties: 20,
});

export const IdempotencyHeaders = Type.Object({
  'idempotency-key': Type.String({ minLength: 1, maxLength: 255 }),
});

export const CreateCharge = Type.Object(
  {
    amount: Type.Integer({ minimum: 1, maximum: 99_999_999 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
    payment_method: Type.String({ minLength: 1, maxLength: 100 }),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const CreateRefund = Type.Object(
  {
    /** Defaults to everything not yet refunded. */
    amount: Type.Optional(Type.Integer({ minimum: 1 })),
    metadata: Type.Optional(Metadata),
  },
  { additionalProperties: false },
);

export const ChargeParams = Type.Object({ id: Type.String({ pattern: '^ch_[0-9a-f]{24}$' }) });

export const ListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 20 }),
    starting_after: Type.Optional(Type.String()),
    created_gte: Type.Optional(Type.Integer({ minimum: 0 })),
  },
  { additionalProperties: false },
);

export const SettleBody = Type.Object(
  { outcome: Type.Union([Type.Literal('succeeded'), Type.Literal('failed')]) },
  { additionalProperties: false },
);
