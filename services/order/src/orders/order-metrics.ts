import client from 'prom-client';
import { metricsRegistry } from '@switchyard/service-kit';

/** Orders the expiry sweep cancelled because payment never arrived. */
export const ordersExpired = new client.Counter({
  name: 'orders_expired_total',
  help: 'Unpaid orders cancelled by the expiry sweep',
  registers: [metricsRegistry],
});

/**
 * Payments that succeeded for an order already cancelled (e.g. expired first). The payment
 * service refunds each automatically; a rise means slow payments or too short a timeout.
 */
export const paymentsForCancelledOrders = new client.Counter({
  name: 'payments_for_cancelled_orders_total',
  help: 'payment.succeeded received for an order that was already cancelled',
  registers: [metricsRegistry],
});

/**
 * Order placements by outcome: `placed`, `replayed` (an Idempotency-Key answered again), or
 * `refused` with the problem code as reason (`conflict`: out of stock, `unprocessable`…).
 */
export const ordersPlaced = new client.Counter({
  name: 'orders_placed_total',
  help: 'Order placements by outcome (placed, replayed, refused) and reason',
  labelNames: ['outcome', 'reason'],
  registers: [metricsRegistry],
});
