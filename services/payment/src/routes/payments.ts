import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { assertScope, identityOf } from '@switchyard/service-kit';
import type { Payment } from '../generated/prisma/client.js';
import { PaymentList, PaymentQuery } from '../schemas/payment.js';

const toView = (p: Payment) => ({
  id: p.id,
  orderId: p.orderId,
  amount: { amount: p.amountMinor, currency: p.currency },
  status: p.status as 'pending' | 'succeeded' | 'failed',
  ...(p.failureReason ? { failureReason: p.failureReason } : {}),
  createdAt: p.createdAt.toISOString(),
  updatedAt: p.updatedAt.toISOString(),
});

/** A customer's own payments, optionally for one order. */
export async function paymentRoutes(fastify: FastifyInstance): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);

  app.get(
    '/v1/payments',
    { schema: { tags: ['payments'], querystring: PaymentQuery, response: { 200: PaymentList } } },
    async (request) => {
      const caller = identityOf(request);
      // A machine client granted payments:read sees all payments; a person only their own.
      if (caller.clientId) assertScope(caller, 'payments:read');
      const payments = await app.db.payment.findMany({
        where: {
          ...(caller.clientId ? {} : { userId: caller.userId }),
          ...(request.query.orderId ? { orderId: request.query.orderId } : {}),
        },
        orderBy: { createdAt: 'desc' },
        take: 100,
      });
      return { items: payments.map(toView) };
    },
  );
}
