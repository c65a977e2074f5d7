import client from 'prom-client';
import { metricsRegistry } from '@switchyard/service-kit';

/** Email attempts: `sent`, `retrying` (will be tried again), `failed` (given up). */
export const emailAttempts = new client.Counter({
  name: 'emails_total',
  help: 'Email sending attempts by outcome (sent, retrying, failed)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

/** Webhook delivery attempts: `delivered`, `retrying`, `failed` (out of attempts). */
export const webhookAttempts = new client.Counter({
  name: 'webhook_deliveries_total',
  help: 'Webhook delivery attempts by outcome (delivered, retrying, failed)',
  labelNames: ['outcome'],
  registers: [metricsRegistry],
});

/** Endpoints disabled because they kept failing (their owners are told). */
export const webhookEndpointsDisabled = new client.Counter({
  name: 'webhook_endpoints_disabled_total',
  help: 'Webhook endpoints disabled after failing too long',
  registers: [metricsRegistry],
});
