import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { callerContextOf } from '@switchyard/audit';
import { notFound, requireRole } from '@switchyard/service-kit';
import { createProduct, toProductView, updateProduct } from '../catalog/products.js';
import { cacheKeyOf, catalogQueryOf } from '../catalog/search/catalog-query.js';
import { searchProducts } from '../catalog/search/search-products.js';
import {
  CreateProductBody,
  ProductIdParams,
  ProductList,
  ProductListQuery,
  ProductView,
  UpdateProductBody,
} from '../schemas/product.js';

/**
 * The catalog: public reads and searches (cached in Redis), admin writes (which invalidate the
 * cache, as every order that moves stock does).
 */
export async function productRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  const adminOnly = { onRequest: [app.authenticate, requireRole('admin')] };
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/products',
    {
      schema: {
        operationId: 'listProducts',
        security: [],
        summary: 'The catalog: list, search, filter and sort it',
        description:
          'Without q or sort, every active product by SKU, as always. With q, the products ' +
          'holding every word (prefixes and typos too), most relevant first. Filters narrow ' +
          'either; facets=category adds counts per category. Pages with nextCursor.',
        tags: ['catalog'],
        querystring: ProductListQuery,
        response: { 200: ProductList },
      },
    },
    async (request) => {
      // Checked before the cache: a bad request is a 400 whether or not Redis answers.
      const query = catalogQueryOf(request.query);
      return app.catalogCache.getOrLoad(cacheKeyOf(query), () =>
        searchProducts(app.db.pool, query),
      );
    },
  );

  app.get(
    '/v1/products/:id',
    {
      schema: {
        operationId: 'getProduct',
        security: [],
        summary: 'One product',
        tags: ['catalog'],
        params: ProductIdParams,
        response: { 200: ProductView },
      },
    },
    async (request) => {
      const product = await app.catalogCache.getOrLoad(`product:${request.params.id}`, async () => {
        const row = await app.db.product.findFirst({
          where: { id: request.params.id, active: true },
        });
        return row ? toProductView(row) : null;
      });
      if (!product) throw notFound('product');
      return product;
    },
  );

  app.post(
    '/v1/products',
    {
      ...adminOnly,
      schema: {
        operationId: 'createProduct',
        summary: 'Add a product (admin)',
        tags: ['catalog', 'admin'],
        security,
        body: CreateProductBody,
        response: { 201: ProductView },
      },
    },
    async (request, reply) => {
      const product = await createProduct(app.db, request.body, callerContextOf(request));
      await app.catalogCache.invalidate();
      return reply.status(201).header('location', `/v1/products/${product.id}`).send(product);
    },
  );

  app.patch(
    '/v1/products/:id',
    {
      ...adminOnly,
      schema: {
        operationId: 'updateProduct',
        summary: 'Change a product (admin)',
        tags: ['catalog', 'admin'],
        security,
        params: ProductIdParams,
        body: UpdateProductBody,
        response: { 200: ProductView },
      },
    },
    async (request) => {
      const product = await updateProduct(
        app.db,
        request.params.id,
        request.body,
        callerContextOf(request),
      );
      if (!product) throw notFound('product');
      await app.catalogCache.invalidate();
      return product;
    },
  );
}
