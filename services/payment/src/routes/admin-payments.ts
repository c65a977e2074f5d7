import { callerContextOf } from '@switchyard/audit';
import type { FastifyInstance } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { identityOf, notFound, requireRole } from '@switchyard/service-kit';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { listPayments, toAdminPaymentView, toRefundView } from '../payments/payment-queries.js';
import { requestRefund } from '../payments/refunds.js';
import {
  AdminPaymentList,
  AdminPaymentQuery,
  AdminPaymentView,
  PaymentIdParams,
  RefundHeaders,
  RefundRequest,
  RefundView,
} from '../schemas/payment.js';

/** Administration of payments: every customer's payments, and refunds. Admin role required. */
export async function adminPaymentRoutes(
  fastify: FastifyInstance,
  options: { processor: PaymentProcessor },
): Promise<void> {
  const app = fastify.withTypeProvider<TypeBoxTypeProvider>();
  app.addHook('onRequest', app.authenticate);
  app.addHook('onRequest', requireRole('admin'));
  const security = [{ bearerAuth: [] }];

  app.get(
    '/v1/admin/payments',
    {
      schema: {
        operationId: 'listAllPayments',
        summary: 'Every payment (admin)',
        tags: ['admin'],
        security,
        querystring: AdminPaymentQuery,
        response: { 200: AdminPaymentList },
      },
    },
    async (request) => {
      const { rows, nextCursor } = await listPayments(app.db, request.query);
      return { items: rows.map(toAdminPaymentView), nextCursor };
    },
  );

  app.get(
    '/v1/admin/payments/:id',
    {
      schema: {
        operationId: 'getAnyPayment',
        summary: 'Any payment (admin)',
        tags: ['admin'],
        security,
        params: PaymentIdParams,
        response: { 200: AdminPaymentView },
      },
    },
    async (request) => {
      const payment = await app.db.payment.findUnique({
        where: { id: request.params.id },
        include: { refunds: true },
      });
      if (!payment) throw notFound('payment');
      return toAdminPaymentView(payment);
    },
  );

  app.post(
    '/v1/admin/payments/:id/refunds',
    {
      schema: {
        operationId: 'refundPayment',
        tags: ['admin'],
        summary: 'Refund a payment fully (no amount) or partly; never more than was captured',
        security,
        params: PaymentIdParams,
        headers: RefundHeaders,
        body: RefundRequest,
        response: { 200: RefundView, 201: RefundView },
      },
    },
    async (request, reply) => {
      const { refund, replayed } = await app.db.$transaction((tx) =>
        requestRefund(
          tx,
          {
            paymentId: request.params.id,
            amountMinor: request.body.amount?.amount,
            currency: request.body.amount?.currency,
            reason: request.body.reason,
            requestedBy: `admin:${identityOf(request).userId}`,
            idempotencyKey: request.headers['idempotency-key'],
          },
          callerContextOf(request),
        ),
      );
      if (!replayed) await options.processor.executeRefund(refund.id);
      const current = await app.db.paymentRefund.findUniqueOrThrow({
        where: { id: refund.id },
        include: { payment: true },
      });
      return reply
        .status(replayed ? 200 : 201)
        .send(toRefundView(current, current.payment.currency));
    },
  );
}
