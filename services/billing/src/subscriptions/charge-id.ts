import { v5 as uuidv5 } from 'uuid';

/** Billing's namespace for the charge ids it derives (a name-based UUID namespace, RFC 9562). */
const CHARGE_NAMESPACE = '6f3c8a1e-2b7d-4f50-a9c4-d2e1b0a9f8e7';

/**
 * The id of one attempt at charging one subscription for one period (or an upgrade's
 * difference): a UUIDv5 of the subscription, the kind, the period's start and the attempt. It
 * is the payment's id and so the provider's idempotency key, so the same attempt asked twice —
 * by two replicas, or after a crash — is one charge at the provider.
 */
export function chargeIdOf(
  subscriptionId: string,
  kind: 'period' | 'proration',
  periodStart: Date,
  attempt: number,
): string {
  return uuidv5(
    `${subscriptionId}/${kind}/${periodStart.toISOString()}/${attempt}`,
    CHARGE_NAMESPACE,
  );
}
