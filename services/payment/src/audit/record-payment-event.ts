import { streamRecorder, type AuditContext, type AuditTarget } from '@switchyard/audit';

/** The payment service's one audit stream (ADR 18): refunds, dead letters. */
export const PAYMENT_AUDIT_STREAM = 'payment';

/**
 * Record an action of the payment service in its trail, inside the action's transaction, as
 * its last statement (the stream's lock is held until the commit).
 */
export const recordPaymentEvent = streamRecorder(PAYMENT_AUDIT_STREAM);

/** The payment service itself: the saga's compensations it decides on its own. */
export const PAYMENT_SERVICE: AuditContext = { actor: { type: 'system', id: 'payment' } };

export const paymentTarget = (id: string): AuditTarget => ({ type: 'payment', id });
