import client from 'prom-client';
import { metricsRegistry } from '@switchyard/service-kit';

export const webhooksReceived = new client.Counter({
  name: 'payment_provider_webhooks_total',
  help: 'Provider webhooks by outcome (applied, already_applied, duplicate, unknown_charge, rejected_<reason>)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

export const reconciliationRepairs = new client.Counter({
  name: 'payment_reconciliation_repairs_total',
  help: 'Payments reconciliation found out of line with the provider and repaired',
  registers: [metricsRegistry],
});

export const watchdogActions = new client.Counter({
  name: 'saga_watchdog_actions_total',
  help: 'Stuck payment-saga steps the watchdog acted on, by step and action',
  labelNames: ['step', 'action'],
  registers: [metricsRegistry],
});

export const chargesSkipped = new client.Counter({
  name: 'payment_charges_skipped_total',
  help: 'Charge requests not made, by reason (order_cancelled: the cancellation came first; charge_id_conflict: billing reused a charge id for another charge)',
  labelNames: ['reason'],
  registers: [metricsRegistry],
});

export const chargesLost = new client.Counter({
  name: 'payment_charges_lost_total',
  help: 'Pending payments whose charge the provider never knew; failed by the watchdog (alert)',
  registers: [metricsRegistry],
});

export const chargeSlots = new client.Gauge({
  name: 'payment_charge_slots',
  help: 'Charges at the provider now (in_flight, at most PAYMENT_CHARGES_IN_FLIGHT) and charges waiting for a turn (waiting)',
  labelNames: ['state'],
  registers: [metricsRegistry],
});

export const refundsFailed = new client.Counter({
  name: 'payment_refunds_failed_total',
  help: 'Refunds the provider refused for good; each needs a person (alert)',
  labelNames: ['reason'],
  registers: [metricsRegistry],
});

export const billingRefundsRejected = new client.Counter({
  name: 'payment_billing_refunds_rejected_total',
  help: 'Refunds billing asked for that were rejected without asking the provider, by reason (each logged, kept in rejected_refund_requests; alert)',
  labelNames: ['reason'],
  registers: [metricsRegistry],
});

export const reconciliationFailures = new client.Counter({
  name: 'payment_reconciliation_failures_total',
  help: 'Provider charges reconciliation could not apply (each logged; the pass goes on)',
  registers: [metricsRegistry],
});

/** Payments by the status they reached (succeeded, failed), counted as their events publish. */
export const paymentsByStatus = new client.Counter({
  name: 'payments_total',
  help: 'Payments that reached a final status, by status',
  labelNames: ['status'],
  registers: [metricsRegistry],
});

/** Money refunded, in minor units of each currency, counted as payment.refunded publishes. */
export const refundedAmount = new client.Counter({
  name: 'payment_refunded_amount_minor_total',
  help: 'Amount refunded to customers, in minor units, by currency',
  labelNames: ['currency'],
  registers: [metricsRegistry],
});

/** Business metrics from the events the service has published (committed facts). */
export function countPublished(event: { name: string; data: unknown }): void {
  if (event.name === 'payment.succeeded' || event.name === 'payment.billing_charge_succeeded')
    paymentsByStatus.inc({ status: 'succeeded' });
  if (event.name === 'payment.failed' || event.name === 'payment.billing_charge_failed')
    paymentsByStatus.inc({ status: 'failed' });
  if (event.name === 'payment.refunded') {
    const { amount } = event.data as { amount: { amount: number; currency: string } };
    refundedAmount.inc({ currency: amount.currency }, amount.amount);
  }
  if (event.name === 'payment.billing_charge_refunded') {
    const { refunded } = event.data as { refunded: { amount: number; currency: string } };
    refundedAmount.inc({ currency: refunded.currency }, refunded.amount);
  }
}
