import { Type, type Static } from '@sinclair/typebox';

export const LowStockParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const LowStockBody = Type.Object(
  {
    threshold: Type.Union([Type.Integer({ minimum: 0, maximum: 1_000_000 }), Type.Null()], {
      description:
        "Alert when the stock falls under this many units; null: the service's default " +
        '(LOW_STOCK_DEFAULT_THRESHOLD); 0: never',
    }),
  },
  { additionalProperties: false, examples: [{ threshold: 10 }] },
);
export type LowStockBody = Static<typeof LowStockBody>;

export const LowStockView = Type.Object({
  productId: Type.String({ format: 'uuid' }),
  stock: Type.Integer(),
  /** The product's own threshold; null when it uses the default. */
  threshold: Type.Union([Type.Integer(), Type.Null()]),
  /** The threshold that applies: its own, or the default. */
  effectiveThreshold: Type.Integer(),
  /** True from a crossing under the threshold until the stock is back at or above it. */
  alerted: Type.Boolean(),
});
export type LowStockView = Static<typeof LowStockView>;
