import type { Logger } from '@switchyard/messaging';
import type { Db } from '../db.js';
import type { PaymentProcessor } from '../payments/payment-processor.js';
import { reconciliationFailures, reconciliationRepairs } from '../payments/payment-metrics.js';
import type { ProviderClient } from '../provider/provider-client.js';
import type { ProviderCharge } from '../provider/provider-types.js';

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
  /** Aborted when this replica's lease on the job is lost: stop between items. */
  signal?: AbortSignal;
}): Promise<number> {
  const createdGte = Math.floor(Date.now() / 1000) - options.lookbackHours * 3600;
  let startingAfter: string | undefined;
  let repaired = 0;
  for (;;) {
    const page = await options.provider.listCharges({ createdGte, startingAfter, limit: 100 });
    for (const charge of page.data) {
      if (options.signal?.aborted) return repaired;
      // One charge that cannot be applied is logged and counted; the rest are still compared.
      try {
        if (await reconcileCharge(options, charge)) repaired++;
      } catch (error) {
        reconciliationFailures.inc();
        options.logger.error({ chargeId: charge.id, err: error }, 'could not reconcile a charge');
      }
    }
    if (!page.has_more || page.data.length === 0) break;
    startingAfter = page.data.at(-1)!.id;
  }
  reconciliationRepairs.inc(repaired);
  return repaired;
}

/** Bring the payment of one provider charge in line with it; true when something changed. */
async function reconcileCharge(
  options: { db: Db; processor: PaymentProcessor; logger: Logger },
  charge: ProviderCharge,
): Promise<boolean> {
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
    return false;
  }
  const result = await options.processor.applySnapshot(payment.id, charge);
  if (result.changed) {
    options.logger.warn(
      { paymentId: payment.id, chargeId: charge.id },
      'reconciliation repaired a payment that drifted from the provider',
    );
  }
  return result.changed;
}
