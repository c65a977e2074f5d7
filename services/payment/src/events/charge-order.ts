import { randomUUID } from 'node:crypto';
import { createEvent, type EventEnvelope } from '@switchyard/contracts';
import { enqueueEvent, type EventHandler, type SqlClient } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ChargeResult, PaymentProvider } from '../provider/payment-provider.js';

/**
 * order.created → charge the order once. `prepare` (outside the inbox transaction) records the
 * payment and calls the provider with the payment id as idempotency key, so a redelivery or a
 * crash mid-way charges nothing twice; `handle` stores the outcome and its event atomically.
 */
export function chargeOrderHandler(
  db: Db,
  provider: PaymentProvider,
): EventHandler<'order.created', ChargeResult & { paymentId: string }> {
  return {
    async prepare(event) {
      const { orderId, userId, total, paymentMethod } = event.data;
      const payment = await db.payment.upsert({
        where: { orderId },
        update: {},
        create: {
          id: randomUUID(),
          orderId,
          userId,
          amountMinor: total.amount,
          currency: total.currency,
          paymentMethod,
          status: 'pending',
        },
      });
      const result = await provider.charge({
        idempotencyKey: payment.id,
        amountMinor: payment.amountMinor,
        currency: payment.currency,
        paymentMethod: payment.paymentMethod,
      });
      return { ...result, paymentId: payment.id };
    },

    async handle(event: EventEnvelope<'order.created'>, sql: SqlClient, result) {
      const tx = sql as unknown as Prisma.TransactionClient;
      const succeeded = result.status === 'succeeded';
      const updated = await tx.payment.updateMany({
        where: { id: result.paymentId, status: 'pending' },
        data: {
          status: succeeded ? 'succeeded' : 'failed',
          providerChargeId: result.chargeId,
          failureReason: succeeded ? null : result.reason,
        },
      });
      if (updated.count === 0) return; // already settled by an earlier delivery
      const { orderId, userId, total } = event.data;
      const common = { paymentId: result.paymentId, orderId, userId, amount: total };
      await enqueueEvent(
        tx,
        succeeded
          ? createEvent('payment.succeeded', {
              source: 'payment',
              subject: orderId,
              data: { ...common, providerChargeId: result.chargeId },
            })
          : createEvent('payment.failed', {
              source: 'payment',
              subject: orderId,
              data: { ...common, reason: result.status === 'declined' ? result.reason : 'unknown' },
            }),
      );
    },
  };
}
