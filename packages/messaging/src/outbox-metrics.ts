import client from 'prom-client';
import { registeredMetric as metric } from './registered-metric.js';

/** The outbox relay's Prometheus metrics, created once per registry. */
export function outboxMetrics(registry: client.Registry | undefined) {
  return {
    published: metric(
      registry,
      'outbox_events_published_total',
      (registers) =>
        new client.Counter({
          name: 'outbox_events_published_total',
          help: 'Outbox events published to Kafka',
          labelNames: ['topic'],
          registers,
        }),
    ),
    parked: metric(
      registry,
      'outbox_events_parked_total',
      (registers) =>
        new client.Counter({
          name: 'outbox_events_parked_total',
          help: 'Outbox rows Kafka kept refusing, moved aside (alert on any)',
          labelNames: ['topic'],
          registers,
        }),
    ),
    parkedRows: metric(
      registry,
      'outbox_parked_rows',
      (registers) =>
        new client.Gauge({
          name: 'outbox_parked_rows',
          help: 'Outbox rows parked and waiting for an operator',
          registers,
        }),
    ),
    oldestPendingAge: metric(
      registry,
      'outbox_oldest_pending_age_seconds',
      (registers) =>
        new client.Gauge({
          name: 'outbox_oldest_pending_age_seconds',
          help: 'Age of the oldest outbox row not yet published (0 when none)',
          registers,
        }),
    ),
  };
}

export type OutboxMetrics = ReturnType<typeof outboxMetrics>;
