import { Type } from '@sinclair/typebox';

/** The parts of a provider event this service reads; the rest is ignored. */
export const ProviderEventShape = Type.Object({
  id: Type.String({ minLength: 1, maxLength: 255 }),
  type: Type.String({ minLength: 1 }),
  data: Type.Object({
    object: Type.Object({
      id: Type.String({ minLength: 1 }),
      status: Type.Union([
        Type.Literal('pending'),
        Type.Literal('succeeded'),
        Type.Literal('failed'),
      ]),
      metadata: Type.Record(Type.String(), Type.String()),
      refunds: Type.Array(
        Type.Object({
          id: Type.String(),
          amount: Type.Integer({ minimum: 1 }),
          status: Type.String(),
          metadata: Type.Record(Type.String(), Type.String()),
        }),
      ),
    }),
  }),
});

export const WebhookAck = Type.Object({
  received: Type.Boolean(),
  duplicate: Type.Optional(Type.Boolean()),
});
