import { Type } from '@sinclair/typebox';
import { Money } from '@switchyard/contracts';

export const ProductView = Type.Object({
  id: Type.String(),
  sku: Type.String(),
  name: Type.String(),
  price: Money,
  stock: Type.Integer(),
});

export const ProductIdParams = Type.Object({ id: Type.String({ format: 'uuid' }) });
export const ProductList = Type.Object({ items: Type.Array(ProductView) });
