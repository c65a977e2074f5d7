import { AppError } from '@switchyard/service-kit';

export const OrderStatus = {
  pendingPayment: 'pending_payment',
  /** The payment needs the customer (3-D Secure) before it can go on. */
  awaitingPaymentAction: 'awaiting_payment_action',
  paid: 'paid',
  fulfilled: 'fulfilled',
  cancelled: 'cancelled',
  refunded: 'refunded',
  partiallyRefunded: 'partially_refunded',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

export const ORDER_STATUSES = Object.values(OrderStatus);

/** The order state machine: every allowed move, and nothing else. */
const allowed: Record<OrderStatus, OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled', 'awaiting_payment_action'],
  awaiting_payment_action: ['paid', 'cancelled'],
  paid: ['fulfilled', 'refunded', 'partially_refunded'],
  fulfilled: ['refunded', 'partially_refunded'],
  partially_refunded: ['partially_refunded', 'refunded'],
  cancelled: [],
  refunded: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to))
    throw new AppError('CONFLICT', `an order cannot go from ${from} to ${to}`);
}

/** Waiting for its payment: what expiry sweeps and a payment can still settle. */
export const UNPAID_STATUSES: OrderStatus[] = [
  OrderStatus.pendingPayment,
  OrderStatus.awaitingPaymentAction,
];
