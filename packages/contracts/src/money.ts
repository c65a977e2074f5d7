import { Type, type Static } from '@sinclair/typebox';

/** Every amount is stored in a Postgres integer column: nothing larger ever exists. */
export const MAX_MINOR_UNITS = 2_147_483_647;

const Currency = Type.String({ pattern: '^[A-Z]{3}$' });

/** Money is always integer minor units plus an ISO 4217 code; never a float. */
export const Money = Type.Object(
  { amount: Type.Integer({ minimum: 0, maximum: MAX_MINOR_UNITS }), currency: Currency },
  { additionalProperties: false },
);
export type Money = Static<typeof Money>;

/** An amount that must be more than nothing (a refund, a charge). */
export const PositiveMoney = Type.Object(
  { amount: Type.Integer({ minimum: 1, maximum: MAX_MINOR_UNITS }), currency: Currency },
  { additionalProperties: false },
);

/** A catalog price: at most 1,000,000.00 in a two-decimal currency. */
export const Price = Type.Object(
  { amount: Type.Integer({ minimum: 0, maximum: 100_000_000 }), currency: Currency },
  { additionalProperties: false },
);
