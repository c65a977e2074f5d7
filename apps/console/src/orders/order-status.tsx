import type { OrderStatus } from './orders-api';

/** Each status in words; the compiler checks that it names every status the API has. */
export const ORDER_STATUS_LABELS: Record<OrderStatus, string> = {
  pending_payment: 'Awaiting payment',
  awaiting_payment_action: 'Awaiting customer (3-D Secure)',
  paid: 'Paid',
  fulfilled: 'Fulfilled',
  partially_refunded: 'Partly refunded',
  refunded: 'Refunded',
  cancelled: 'Cancelled',
};

export const ORDER_STATUSES = Object.keys(ORDER_STATUS_LABELS) as OrderStatus[];

export const isOrderStatus = (value: string | null): value is OrderStatus =>
  value !== null && value in ORDER_STATUS_LABELS;

/** A status as a labelled badge: the words carry the meaning, the colour only helps. */
export function OrderStatusBadge({ status }: { status: OrderStatus }) {
  return (
    <span className={`badge badge--${status.replace(/_/g, '-')}`}>
      {ORDER_STATUS_LABELS[status]}
    </span>
  );
}
