import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { notFound, requireRole } from '@switchyard/service-kit';
import { findLowStock, setLowStockThreshold } from '../catalog/low-stock-threshold.js';
import { LowStockBody, LowStockParams, LowStockView } from '../schemas/low-stock.js';

/** A product's low-stock threshold and alert state (admin). */
export async function adminLowStockRoutes(
  fastify: FastifyInstance,
  options: { defaultThreshold: number },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/admin/products/:id/low-stock',
    {
      schema: {
        operationId: 'getProductLowStock',
        summary: "A product's low-stock threshold and whether it is under it (admin)",
        tags: ['catalog', 'admin'],
        security,
        params: LowStockParams,
        response: { 200: LowStockView },
      },
    },
    async (request) => {
      const view = await findLowStock(app.db, request.params.id, options.defaultThreshold);
      if (!view) throw notFound('product');
      return view;
    },
  );

  app.put(
    '/v1/admin/products/:id/low-stock',
    {
      schema: {
        operationId: 'setProductLowStockThreshold',
        summary: "Set a product's low-stock threshold (admin)",
        description:
          'Staff are alerted once each time the stock falls under the threshold; rising back ' +
          'to it or above arms the alert again.',
        tags: ['catalog', 'admin'],
        security,
        params: LowStockParams,
        body: LowStockBody,
        response: { 200: LowStockView },
      },
    },
    async (request) => {
      const view = await setLowStockThreshold(
        app.db,
        request.params.id,
        request.body.threshold,
        options.defaultThreshold,
      );
      if (!view) throw notFound('product');
      return view;
    },
  );
}
