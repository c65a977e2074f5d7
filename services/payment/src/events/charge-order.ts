import { randomUUID } from 'node:crypto';
import type { EventHandler } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { Prisma } from '../generated/prisma/client.js';
import type { ChargeAttempt, PaymentProcessor } from '../payments/payment-processor.js';

type Prepared = { paymentId: string; attempt: ChargeAttempt | null };

/**
 * order.created → charge the order once. `prepare` (outside the inbox transaction) records the
 * payment and asks the provider, with the payment id as idempotency key, so a redelivery or a
 * crash mid-way charges nothing twice; `handle` applies the answer under the payment's lock —
 * the same state machine the provider's webhook for this charge goes through, in either order.
 */
export function chargeOrderHandler(
  db: Db,
  processor: PaymentProcessor,
): EventHandler<'order.created', Prepared> {
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
      if (payment.status !== 'pending') return { paymentId: payment.id, attempt: null };
      return { paymentId: payment.id, attempt: await processor.requestCharge(payment) };
    },

    async handle(_event, sql, prepared) {
      if (!prepared.attempt) return; // settled by an earlier delivery
      await processor.recordChargeAttempt(
        sql as unknown as Prisma.TransactionClient,
        prepared.paymentId,
        prepared.attempt,
      );
    },
  };
}
