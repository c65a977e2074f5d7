import type { Logger } from '@switchyard/messaging';
import { PeriodicTask } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { expireUnpaidOrders } from './expire-unpaid-orders.js';
import { ordersExpired } from './order-metrics.js';

/**
 * The order side of the saga's watchdog: an order still waiting for payment past its deadline is
 * cancelled and compensated. Runs in every replica; the sweep's row locks keep it single.
 */
export function orderExpiryTask(options: {
  db: Db;
  logger: Logger;
  paymentTimeoutSeconds: number;
  intervalMs: number;
  /** After a sweep that expired orders: invalidate caches, nudge the outbox relay. */
  onExpired: () => Promise<void>;
}): PeriodicTask {
  return new PeriodicTask({
    name: 'order expiry sweep',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => {
      const olderThan = new Date(Date.now() - options.paymentTimeoutSeconds * 1000);
      const expired = await expireUnpaidOrders(options.db, { olderThan, logger: options.logger });
      if (expired === 0) return;
      ordersExpired.inc(expired);
      options.logger.info({ expired }, 'expired unpaid orders');
      await options.onExpired();
    },
  });
}
