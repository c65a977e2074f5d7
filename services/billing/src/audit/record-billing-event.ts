import { streamRecorder, type AuditContext, type AuditTarget } from '@switchyard/audit';

/**
 * The billing service's one audit stream (ADR 18): what customers do to their subscriptions
 * (each moves money: a charge, a prorated refund), account erasure, dead letters.
 */
export const BILLING_AUDIT_STREAM = 'billing';

/**
 * Record an action of the billing service in its trail, inside the action's transaction, as
 * its last statement (the stream's lock is held until the commit).
 */
export const recordBillingEvent = streamRecorder(BILLING_AUDIT_STREAM);

/** Billing itself: what it does on another service's event (an account deleted). */
export const BILLING_SERVICE: AuditContext = { actor: { type: 'system', id: 'billing' } };

export const subscriptionTarget = (id: string): AuditTarget => ({ type: 'subscription', id });
