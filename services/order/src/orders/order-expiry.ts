import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import { expireUnpaidOrders } from './expire-unpaid-orders.js';
import { ordersExpired } from './order-metrics.js';

/** Runs the expiry sweep every `intervalMs` in this replica (safe with several replicas). */
export class OrderExpiry {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<void> | null = null;

  constructor(
    private readonly options: {
      db: Db;
      logger: Logger;
      paymentTimeoutSeconds: number;
      intervalMs: number;
      /** After a sweep that expired orders: invalidate caches, nudge the outbox relay. */
      onExpired: () => Promise<void>;
    },
  ) {}

  start(): void {
    this.timer = setInterval(() => {
      if (!this.running) this.running = this.sweep().finally(() => (this.running = null));
    }, this.options.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    if (this.running) await this.running;
  }

  async sweep(): Promise<void> {
    try {
      const olderThan = new Date(Date.now() - this.options.paymentTimeoutSeconds * 1000);
      const expired = await expireUnpaidOrders(this.options.db, { olderThan });
      if (expired > 0) {
        ordersExpired.inc(expired);
        this.options.logger.info({ expired }, 'expired unpaid orders');
        await this.options.onExpired();
      }
    } catch (error) {
      this.options.logger.error({ err: error }, 'order expiry sweep failed; will retry');
    }
  }
}
