/** The failure reason of a payment whose order was cancelled before it was charged or settled. */
export const ORDER_CANCELLED = 'order_cancelled';
