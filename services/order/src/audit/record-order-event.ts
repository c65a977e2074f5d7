import { streamRecorder, type AuditTarget } from '@switchyard/audit';

/** The order service's one audit stream (ADR 18): catalog, stock, fulfilment, dead letters. */
export const ORDER_AUDIT_STREAM = 'order';

/**
 * Record an action of the order service in its trail, inside the action's transaction, as its
 * last statement (the stream's lock is held until the commit).
 */
export const recordOrderEvent = streamRecorder(ORDER_AUDIT_STREAM);

export const productTarget = (id: string): AuditTarget => ({ type: 'product', id });
export const orderTarget = (id: string): AuditTarget => ({ type: 'order', id });
