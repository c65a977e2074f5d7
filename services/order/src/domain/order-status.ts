import { AppError } from '@switchyard/service-kit';

export const OrderStatus = {
  pendingPayment: 'pending_payment',
  paid: 'paid',
  cancelled: 'cancelled',
} as const;
export type OrderStatus = (typeof OrderStatus)[keyof typeof OrderStatus];

const allowed: Record<OrderStatus, OrderStatus[]> = {
  pending_payment: ['paid', 'cancelled'],
  paid: [],
  cancelled: [],
};

export function canTransition(from: OrderStatus, to: OrderStatus): boolean {
  return allowed[from].includes(to);
}

export function assertTransition(from: OrderStatus, to: OrderStatus): void {
  if (!canTransition(from, to))
    throw new AppError('CONFLICT', `an order cannot go from ${from} to ${to}`);
}
