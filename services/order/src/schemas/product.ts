import { Type } from '@sinclair/typebox';
import { Money, Price } from '@switchyard/contracts';

export const ProductView = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  price: Money,
  stock: Type.Integer(),
  active: Type.Boolean(),
});

export const ProductIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });

export const ProductList = Type.Object({
  items: Type.Array(ProductView),
  nextCursor: Type.Union([Type.String(), Type.Null()]),
});

export const ProductListQuery = Type.Object(
  {
    limit: Type.Integer({ minimum: 1, maximum: 100, default: 50 }),
    cursor: Type.Optional(Type.String({ maxLength: 200 })),
  },
  { additionalProperties: false },
);

const Sku = Type.String({ pattern: '^[A-Z0-9][A-Z0-9-]{1,39}$' });
const Name = Type.String({ minLength: 1, maxLength: 200 });
const Stock = Type.Integer({ minimum: 0, maximum: 1_000_000 });

export const CreateProductBody = Type.Object(
  { sku: Sku, name: Name, price: Price, stock: Stock, active: Type.Optional(Type.Boolean()) },
  {
    examples: [
      { sku: 'MUG-BLUE', name: 'Blue mug', price: { amount: 1250, currency: 'EUR' }, stock: 100 },
    ],
    additionalProperties: false,
  },
);

export const UpdateProductBody = Type.Object(
  {
    name: Type.Optional(Name),
    price: Type.Optional(Price),
    stock: Type.Optional(Stock),
    active: Type.Optional(Type.Boolean()),
  },
  {
    examples: [{ price: { amount: 1150, currency: 'EUR' } }],
    additionalProperties: false,
    minProperties: 1,
  },
);
