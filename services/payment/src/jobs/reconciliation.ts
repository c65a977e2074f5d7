import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { reconciliationRepairs } from '../payments/payment-metrics.js';
import type { ProviderClient } from '../provider/provider-client.js';

/**
 * Compare every recent charge at the provider with our payments and apply what differs — a
 * lost webhook, a refund made in the provider's dashboard. Applying a snapshot that matches
 * changes nothing, so the whole pass is idempotent. Returns how many payments it repaired.
 */
export async function reconcileWithProvider(options: {
  db: Db;
  provider: ProviderClient;
  processor: PaymentProcessor;
  logger: Logger;
  lookbackHours: number;
}): Promise<number> {
  const createdGte = Math.floor(Date.now() / 1000) - options.lookbackHours * 3600;
  let startingAfter: string | undefined;
  let repaired = 0;
  for (;;) {
    const page = await options.provider.listCharges({ createdGte, startingAfter, limit: 100 });
    for (const charge of page.data) {
      const paymentId = charge.metadata.payment_id;
      const payment = await options.db.payment.findFirst({
        where: {
          OR: [
            { providerChargeId: charge.id },
            ...(paymentId && /^[0-9a-f-]{36}$/.test(paymentId) ? [{ id: paymentId }] : []),
          ],
        },
      });
      if (!payment) {
        options.logger.warn({ chargeId: charge.id }, 'provider charge with no payment here');
        continue;
      }
      const result = await options.processor.applySnapshot(payment.id, charge);
      if (result.changed) {
        repaired++;
        options.logger.warn(
          { paymentId: payment.id, chargeId: charge.id },
          'reconciliation repaired a payment that drifted from the provider',
        );
      }
    }
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data.at(-1)!.id;
  }
  reconciliationRepairs.inc(repaired);
  return repaired;
}
