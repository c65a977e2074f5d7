import { Type, type Static } from '@sinclair/typebox';

/** Money is always integer minor units plus an ISO 4217 code; never a float. */
export const Money = Type.Object(
  {
    amount: Type.Integer({ minimum: 0 }),
    currency: Type.String({ pattern: '^[A-Z]{3}$' }),
  },
  { additionalProperties: false },
);
export type Money = Static<typeof Money>;
