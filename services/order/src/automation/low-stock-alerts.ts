import { createEvent } from '@switchyard/contracts';
import { enqueueEvent, type Logger } from '@switchyard/messaging';
import { PeriodicTask } from '@switchyard/service-kit';
import type { Db } from '../db.js';

/** At most this many alerts per dispatch transaction; the rest wait for the next pass. */
const BATCH = 100;

/**
 * Tell the database how low-stock alerting is configured: its trigger (products_low_stock_
 * crossing) decides crossings inside each stock change and reads this row. Every replica writes
 * the same values from the same config; off means the trigger keeps no state at all.
 */
export async function applyLowStockSettings(
  db: Db,
  settings: { enabled: boolean; defaultThreshold: number },
): Promise<void> {
  await db.$executeRaw`
    INSERT INTO low_stock_settings (id, enabled, default_threshold, updated_at)
    VALUES (true, ${settings.enabled}, ${settings.defaultThreshold}, now())
    ON CONFLICT (id) DO UPDATE
       SET enabled = EXCLUDED.enabled, default_threshold = EXCLUDED.default_threshold,
           updated_at = now()`;
}

/**
 * Move the crossings the trigger recorded into the outbox as product.low_stock, each marked
 * published in the same transaction: one event per crossing, whichever replica gets it (rows
 * another replica holds are skipped, not waited for). Returns how many were published.
 */
export async function dispatchLowStockAlerts(db: Db): Promise<number> {
  return db.$transaction(async (tx) => {
    const alerts = await tx.$queryRaw<
      {
        id: string;
        productId: string;
        sku: string;
        name: string;
        stock: number;
        threshold: number;
      }[]
    >`SELECT a.id::text, a.product_id::text AS "productId", p.sku, p.name, a.stock, a.threshold
        FROM low_stock_alerts a JOIN products p ON p.id = a.product_id
       WHERE a.published_at IS NULL
       ORDER BY a.created_at
       LIMIT ${BATCH}
       FOR UPDATE OF a SKIP LOCKED`;
    for (const alert of alerts)
      await enqueueEvent(
        tx,
        createEvent('product.low_stock', {
          source: 'order',
          subject: alert.productId,
          data: {
            alertId: alert.id,
            productId: alert.productId,
            sku: alert.sku,
            name: alert.name,
            stock: Math.max(0, alert.stock),
            threshold: alert.threshold,
          },
        }),
      );
    if (alerts.length > 0)
      await tx.$executeRaw`UPDATE low_stock_alerts SET published_at = now()
                            WHERE id = ANY (${alerts.map((a) => a.id)}::uuid[])`;
    return alerts.length;
  });
}

/**
 * Low-stock alerting in every replica: first write the configured settings for the trigger
 * (retried until it succeeds: the database may not be migrated yet), then, when enabled,
 * dispatch the recorded crossings on each pass. Off, a pass after the first does nothing.
 */
export function lowStockAlertTask(options: {
  db: Db;
  enabled: boolean;
  defaultThreshold: number;
  intervalMs: number;
  logger: Logger;
  onPublished: () => void;
}): { start(): void; stop(): Promise<void> } {
  let settingsApplied = false;
  const task = new PeriodicTask({
    name: 'low-stock alerts',
    intervalMs: options.intervalMs,
    logger: options.logger,
    run: async () => {
      if (!settingsApplied) {
        await applyLowStockSettings(options.db, options);
        settingsApplied = true;
      }
      if (!options.enabled) return;
      const published = await dispatchLowStockAlerts(options.db);
      if (published === 0) return;
      options.logger.info({ published }, 'low-stock alerts published');
      options.onPublished();
    },
  });
  return {
    // The settings at once, not a whole interval after start.
    start: () => {
      task.start();
      void task.runNow();
    },
    stop: () => task.stop(),
  };
}
