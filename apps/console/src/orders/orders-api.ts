import { newIdempotencyKey, type operations } from '@switchyard/client';
import { api } from '../api/api-client';
import type { Money } from '../ui/money';

// Every call the order screens make, on the public API through the typed client. Types come
// from the client's answers, never written again here.

export const ORDERS_PER_PAGE = 20;

export type OrderStatus = NonNullable<
  NonNullable<operations['listAllOrders']['parameters']['query']>['status']
>;

/** One page of every customer's orders, newest first; `status` narrows it. */
export async function listOrders(options: { status?: OrderStatus; cursor?: string }) {
  const { data } = await api.GET('/v1/admin/orders', {
    params: {
      query: {
        limit: ORDERS_PER_PAGE,
        ...(options.status ? { status: options.status } : {}),
        ...(options.cursor ? { cursor: options.cursor } : {}),
      },
    },
  });
  return data!;
}

export type OrderPage = Awaited<ReturnType<typeof listOrders>>;
export type Order = OrderPage['items'][number];

export async function getOrder(id: string) {
  const { data } = await api.GET('/v1/admin/orders/{id}', { params: { path: { id } } });
  return data!;
}

/** Mark a paid order fulfilled; the API refuses any other status (409). */
export async function fulfilOrder(id: string) {
  const { data } = await api.POST('/v1/admin/orders/{id}/fulfil', { params: { path: { id } } });
  return data!;
}

/** The payments made for one order (usually one; a retried card makes more). */
export async function listPaymentsOf(orderId: string) {
  const { data } = await api.GET('/v1/admin/payments', {
    params: { query: { orderId, limit: 100 } },
  });
  return data!.items;
}

export type Payment = Awaited<ReturnType<typeof listPaymentsOf>>[number];
export type Refund = Payment['refunds'][number];

/** What is left to refund of a payment: what it captured less what was refunded. */
export const refundable = (payment: Payment): Money => ({
  amount: payment.status === 'succeeded' ? payment.amount.amount - payment.refunded.amount : 0,
  currency: payment.amount.currency,
});

/**
 * A refund of `amount` (minor units) of a payment. `idempotencyKey` is made once per confirmed
 * refund, so sending it again (a retry after a lost answer) never refunds twice.
 */
export async function refundPayment(options: {
  paymentId: string;
  amount: Money;
  reason: string;
  idempotencyKey: string;
}) {
  const { data } = await api.POST('/v1/admin/payments/{id}/refunds', {
    params: {
      path: { id: options.paymentId },
      header: { 'idempotency-key': options.idempotencyKey },
    },
    body: { amount: options.amount, reason: options.reason },
  });
  return data!;
}

export const newRefundKey = newIdempotencyKey;
