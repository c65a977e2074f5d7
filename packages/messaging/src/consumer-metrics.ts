import client from 'prom-client';
import { registeredMetric as metric } from './registered-metric.js';

/**
 * Seconds: fine below 100 ms, where an event's hop and handling should be; coarse above, for
 * replays and outages.
 */
const EVENT_LATENCY_BUCKETS = [
  0.001, 0.0025, 0.005, 0.0075, 0.01, 0.015, 0.02, 0.03, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1, 2.5,
  5, 10, 30, 60,
];

/** Where a consumer stands, for /readyz detail and the kafka_consumer_state gauge. */
export type ConsumerState = 'stopped' | 'connecting' | 'joining' | 'consuming' | 'restarting';

const STATES: ConsumerState[] = ['stopped', 'connecting', 'joining', 'consuming', 'restarting'];

/** The consumer's Prometheus metrics, created once per registry. */
export function consumerMetrics(registry: client.Registry | undefined) {
  const state = metric(
    registry,
    'kafka_consumer_state',
    (registers) =>
      new client.Gauge({
        name: 'kafka_consumer_state',
        help: 'The consumer group member state (1 for the current state)',
        labelNames: ['group', 'state'],
        registers,
      }),
  );
  return {
    processed: metric(
      registry,
      'events_consumed_total',
      (registers) =>
        new client.Counter({
          name: 'events_consumed_total',
          help: 'Events consumed, by outcome',
          labelNames: ['topic', 'event', 'outcome'],
          registers,
        }),
    ),
    retries: metric(
      registry,
      'event_handler_retries_total',
      (registers) =>
        new client.Counter({
          name: 'event_handler_retries_total',
          help: 'Handler attempts that failed and were retried, by kind of failure',
          labelNames: ['topic', 'event', 'kind'],
          registers,
        }),
    ),
    hop: metric(
      registry,
      'event_hop_seconds',
      (registers) =>
        new client.Histogram({
          name: 'event_hop_seconds',
          help: 'Time from the outbox write of an event (its Kafka CreateTime) to the start of its handler',
          labelNames: ['topic', 'event'],
          buckets: EVENT_LATENCY_BUCKETS,
          registers,
        }),
    ),
    handling: metric(
      registry,
      'event_handler_seconds',
      (registers) =>
        new client.Histogram({
          name: 'event_handler_seconds',
          help: 'Time from the start of an event handler to its commit, retries included; an event waits this long for the one before it on its partition',
          labelNames: ['topic', 'event'],
          buckets: EVENT_LATENCY_BUCKETS,
          registers,
        }),
    ),
    joins: metric(
      registry,
      'kafka_consumer_group_joins_total',
      (registers) =>
        new client.Counter({
          name: 'kafka_consumer_group_joins_total',
          help: 'Times this member joined its consumer group (each rebalance is one more)',
          labelNames: ['group'],
          registers,
        }),
    ),
    crashes: metric(
      registry,
      'kafka_consumer_restarts_total',
      (registers) =>
        new client.Counter({
          name: 'kafka_consumer_restarts_total',
          help: 'Times the consumer crashed and was started again',
          labelNames: ['group'],
          registers,
        }),
    ),
    setState(group: string, current: ConsumerState): void {
      for (const s of STATES) state.set({ group, state: s }, s === current ? 1 : 0);
    },
  };
}

export type ConsumerMetrics = ReturnType<typeof consumerMetrics>;
