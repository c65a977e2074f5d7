import client from 'prom-client';
import { metricsRegistry } from '@switchyard/service-kit';

export const webhooksReceived = new client.Counter({
  name: 'payment_provider_webhooks_total',
  help: 'Provider webhooks by outcome (applied, duplicate, unknown_charge, rejected_<reason>)',
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
  help: 'Charge requests not made, by reason (order_cancelled: the cancellation came first)',
  labelNames: ['reason'],
  registers: [metricsRegistry],
});
