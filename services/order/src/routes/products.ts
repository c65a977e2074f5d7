import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound } from '@switchyard/service-kit';
import type { Product } from '../generated/prisma/client.js';
import { ProductIdParams, ProductList, ProductView } from '../schemas/product.js';

const toView = (p: Product) => ({
  id: p.id,
  sku: p.sku,
  name: p.name,
  price: { amount: p.priceMinor, currency: p.currency },
  stock: p.stock,
});

/** The public catalog: no token needed. */
export async function productRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();

  app.get(
    '/v1/products',
    { schema: { tags: ['catalog'], response: { 200: ProductList } } },
    async () => {
      const products = await app.db.product.findMany({
        where: { active: true },
        orderBy: { sku: 'asc' },
      });
      return { items: products.map(toView) };
    },
  );

  app.get(
    '/v1/products/:id',
    { schema: { tags: ['catalog'], params: ProductIdParams, response: { 200: ProductView } } },
    async (request) => {
      const product = await app.db.product.findFirst({
        where: { id: request.params.id, active: true },
      });
      if (!product) throw notFound('product');
      return toView(product);
    },
  );
}
