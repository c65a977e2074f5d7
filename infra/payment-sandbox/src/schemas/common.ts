import { Type, type TProperties } from '@sinclair/typebox';

/** Stripe's metadata: up to 50 keys of up to 40 characters, values up to 500. */
export const Metadata = Type.Record(
  Type.String({ maxLength: 40 }),
  Type.String({ maxLength: 500 }),
  {
    maxProperties: 50,
  },
);

export const Expand = Type.Optional(Type.Array(Type.String({ maxLength: 100 }), { maxItems: 20 }));

/** `created=<unix>` or `created[gte]=…` and friends. */
export const CreatedFilter = Type.Union([
  Type.Integer({ minimum: 0 }),
  Type.Object(
    {
      gt: Type.Optional(Type.Integer()),
      gte: Type.Optional(Type.Integer()),
      lt: Type.Optional(Type.Integer()),
      lte: Type.Optional(Type.Integer()),
    },
    { additionalProperties: false },
  ),
]);

/** The parameters every list takes, and the route's own filters. */
export const ListParams = <P extends TProperties>(filters: P) =>
  Type.Object(
    {
      limit: Type.Integer({ minimum: 1, maximum: 100, default: 10 }),
      starting_after: Type.Optional(Type.String()),
      ending_before: Type.Optional(Type.String()),
      created: Type.Optional(CreatedFilter),
      expand: Expand,
      ...filters,
    },
    { additionalProperties: false },
  );

/** Only `expand[]`, for a retrieve. */
export const RetrieveParams = Type.Object({ expand: Expand }, { additionalProperties: false });

export const Id = Type.Object({ id: Type.String({ minLength: 1, maxLength: 255 }) });

export const Amount = Type.Integer({ minimum: 1, maximum: 99_999_999 });
