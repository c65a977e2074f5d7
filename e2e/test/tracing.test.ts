// Traces leave the platform: every process exports over OTLP/HTTP to the endpoint in
// OTEL_EXPORTER_OTLP_ENDPOINT (here an in-process receiver standing in for a collector), and
// one order is one trace — the client's — across the gateway, order, payment and notification,
// linked across Kafka.
import { randomUUID } from 'node:crypto';
import {
  isConsuming,
  startOtlpReceiver,
  startPlatform,
  waitFor,
  type Platform,
} from '@switchyard/testing';
import { apiClient } from './client.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const CONSUMER = 5;

describe('traces through the platform', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;
  let receiver: Awaited<ReturnType<typeof startOtlpReceiver>>;

  beforeAll(async () => {
    receiver = await startOtlpReceiver();
    platform = await startPlatform({
      env: { OTEL_EXPORTER_OTLP_ENDPOINT: receiver.url, OTEL_BSP_SCHEDULE_DELAY: '200' },
    });
    api = apiClient(platform.gatewayUrl);
  }, 180_000);
  afterAll(async () => {
    await platform?.stop();
    await receiver?.close();
  }, 60_000);

  it('exports one trace per order, from the gateway to every consumer, linked across Kafka', async () => {
    // Consumers join their groups in the background: wait, so the order flows at once.
    for (const name of ['order', 'payment', 'notification'] as const) {
      await waitFor(() => isConsuming(platform.replica(name, 0).url), {
        timeoutMs: 60_000,
        what: `${name} consuming`,
      });
    }
    const email = `trace-${randomUUID()}@example.com`;
    const password = 'a long enough passphrase';
    // Each step's whole answer is in the failure message: a 401 at the order once left no
    // way to tell which step had gone wrong.
    const registered = await api.post('/v1/auth/register', { email, password, name: 'Tracy' });
    expect({ status: registered.status, body: registered.body }).toMatchObject({ status: 201 });
    const login = await api.post('/v1/auth/login', { email, password });
    expect({ status: login.status, body: login.body }).toMatchObject({ status: 200 });
    const token = login.body.accessToken;

    const traceId = randomUUID().replace(/-/g, '');
    const placed = await api.call('POST', '/v1/orders', {
      token,
      body: { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      headers: { traceparent: `00-${traceId}-00f067aa0ba902b7-01` },
    });
    expect({ status: placed.status, body: placed.body }).toMatchObject({ status: 201 });

    // billing consumes the paid order to issue its invoice.
    const services = ['gateway', 'order', 'payment', 'notification', 'billing'];
    const trace = await waitFor(
      async () => {
        const spans = receiver.spans.filter((s) => s.traceId === traceId);
        const seen = new Set(spans.map((s) => s.service));
        // Each process exports its spans in its own batches: wait for every consumer span
        // asserted below, not only for the last in the saga (order's could still be buffered).
        const consumed = new Set(spans.filter((s) => s.kind === CONSUMER).map((s) => s.service));
        // notification consumes order.created and order.paid: the end of the saga.
        const notified = spans.filter((s) => s.service === 'notification' && s.kind === CONSUMER);
        const allConsumed = ['order', 'payment', 'notification', 'billing'].every((s) =>
          consumed.has(s),
        );
        return services.every((s) => seen.has(s)) && allConsumed && notified.length >= 2
          ? spans
          : undefined;
      },
      {
        timeoutMs: 90_000,
        what: 'spans of every service in the order’s trace',
      },
    ).catch((error: Error) => {
      // Say what did arrive, to tell a missing service from a broken link.
      const seen = receiver.spans
        .filter((s) => s.traceId === traceId)
        .map((s) => `${s.service}:${s.name}:${s.kind}`);
      throw new Error(
        `${error.message}; spans of this trace: ${JSON.stringify(seen)}; ` +
          `${receiver.spans.length} spans received in all`,
      );
    });

    // The gateway's server span continues the client's span.
    const gatewayRoot = trace.find(
      (s) => s.service === 'gateway' && s.parentSpanId === '00f067aa0ba902b7',
    );
    expect(gatewayRoot).toBeDefined();
    // Every consumer span has a parent in another service: the trace crossed Kafka linked.
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    const consumers = trace.filter((s) => s.kind === CONSUMER);
    expect(new Set(consumers.map((s) => s.service))).toEqual(
      new Set(['order', 'payment', 'notification', 'billing']),
    );
    for (const span of consumers) {
      const parent = byId.get(span.parentSpanId ?? '');
      expect(parent).toBeDefined();
      expect(parent!.service).not.toBe(span.service);
    }
  });
});
