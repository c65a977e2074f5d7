import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { assertScope, identityOf, notFound } from '@switchyard/service-kit';
import { listPayments, toPaymentView } from '../payments/payment-queries.js';
import { PaymentIdParams, PaymentList, PaymentQuery, PaymentView } from '../schemas/payment.js';

/** A customer's own payments (another user's are 404); machine clients with payments:read all. */
export async function paymentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  const security = [{ bearerAuth: [] }];

  const ownerFilter = (request: Parameters<typeof identityOf>[0]) => {
    const caller = identityOf(request);
    if (caller.clientId) {
      assertScope(caller, 'payments:read');
      return {};
    }
    return { userId: caller.userId };
  };

  app.get(
    '/v1/payments',
    {
      schema: {
        operationId: 'listPayments',
        summary: 'Your payments',
        tags: ['payments'],
        security,
        querystring: PaymentQuery,
        response: { 200: PaymentList },
      },
    },
    async (request) => {
      const { rows, nextCursor } = await listPayments(app.db, {
        ...request.query,
        ...ownerFilter(request),
      });
      return { items: rows.map(toPaymentView), nextCursor };
    },
  );

  app.get(
    '/v1/payments/:id',
    {
      schema: {
        operationId: 'getPayment',
        summary: 'One payment, with its refunds',
        tags: ['payments'],
        security,
        params: PaymentIdParams,
        response: { 200: PaymentView },
      },
    },
    async (request) => {
      const payment = await app.db.payment.findFirst({
        where: { id: request.params.id, ...ownerFilter(request) },
        include: { refunds: true },
      });
      if (!payment) throw notFound('payment');
      return toPaymentView(payment);
    },
  );
}
