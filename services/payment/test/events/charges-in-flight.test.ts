import { createHmac } from 'node:crypto';
import { toWireMessage } from '@switchyard/contracts';
import { queryDb, testProducer, waitFor } from '@switchyard/testing';
import {
  orderCreated,
  sandboxWebhooksDone,
  startPaymentService,
  webhookSecret,
  type PaymentService,
} from '../support.js';

const PARTITIONS = 12; // production's: the consumer handles every one of them at once
const IN_FLIGHT = 10;

/**
 * A charge holds a database connection (its transaction, with the order's charge lock) for as
 * long as the provider takes to answer. When the provider slows down, the charges of every
 * partition the consumer handles at once used to take the whole pool: /readyz, the provider's
 * webhooks, order.cancelled, the relay and the watchdog then waited DB_CONNECT_TIMEOUT_MS for
 * a connection and failed. The charges in flight are bounded below the pool (waiting for a turn
 * holds no connection), so the rest keeps working through a provider slowdown.
 *
 * The provider here holds every charge request until the test lets it go. IN_FLIGHT is the old
 * default pool's whole size: before the bound, ten charges took all ten connections.
 */
describe('charges held by a slow provider', () => {
  let service: PaymentService;
  let arrived = 0;
  let letGo!: () => void;
  const providerAnswers = new Promise<void>((resolve) => (letGo = resolve));

  beforeAll(async () => {
    service = await startPaymentService({
      providerDown: true,
      kafkaPartitions: PARTITIONS,
      env: {
        DB_POOL_MAX: String(IN_FLIGHT + 4),
        PAYMENT_CHARGES_IN_FLIGHT: String(IN_FLIGHT),
        DB_CONNECT_TIMEOUT_MS: '1000',
        PROVIDER_TIMEOUT_MS: '60000',
        PROVIDER_CALL_BUDGET_MS: '90000',
      },
    });
    service.sandbox.addHook('preHandler', async (request) => {
      if (request.method !== 'POST' || request.url !== '/v1/payment_intents') return;
      arrived++;
      await providerAnswers;
    });
    await service.startSandbox();
  });
  afterAll(async () => {
    letGo();
    await service.close();
  });

  /** Three orders on every partition, so the consumer has a charge to make on each at once. */
  async function placeOrders(perPartition: number) {
    const events = Array.from({ length: PARTITIONS * perPartition }, () =>
      orderCreated('pm_card_pending'),
    );
    const producer = testProducer();
    await producer.connect();
    try {
      await producer.send({
        topic: service.ctx.namespace + toWireMessage(events[0]!).topic,
        acks: -1,
        messages: events.map((event, i) => {
          const wire = toWireMessage(event);
          return {
            key: wire.key,
            value: wire.value,
            headers: wire.headers,
            partition: i % PARTITIONS,
          };
        }),
      });
    } finally {
      await producer.disconnect();
    }
    return events.map((e) => e.data.orderId);
  }

  /** A signed Stripe event for a payment nobody here knows: read, acknowledged, nothing else. */
  const providerWebhook = () => {
    const body = JSON.stringify({
      id: 'evt_during_slowdown',
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: 'pi_during_slowdown',
          object: 'payment_intent',
          status: 'succeeded',
          metadata: {},
        },
      },
    });
    const t = Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', webhookSecret).update(`${t}.${body}`).digest('hex');
    return fetch(`${service.serviceUrl}/v1/payments/webhooks/provider`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'stripe-signature': `t=${t},v1=${v1}` },
      body,
    });
  };

  it('stays ready and keeps accepting provider webhooks while the provider holds every charge', async () => {
    const orderIds = await placeOrders(3);
    await waitFor(async () => arrived >= IN_FLIGHT, {
      what: `${IN_FLIGHT} charge requests held at the provider`,
      timeoutMs: 30_000,
    });

    const ready = await fetch(`${service.serviceUrl}/readyz`);
    const webhook = await providerWebhook();
    expect({
      readyz: ready.status,
      webhook: webhook.status,
      acknowledged: await webhook.json(),
    }).toEqual({ readyz: 200, webhook: 200, acknowledged: { received: true } });
    expect(arrived).toBe(IN_FLIGHT); // the rest wait for a turn, holding no connection

    // The provider answers again: every order is charged, none twice.
    letGo();
    await waitFor(
      async () => {
        const [row] = await queryDb<{ n: number }>(
          service.ctx.databaseUrl,
          'SELECT count(*)::int AS n FROM payments WHERE provider_charge_id IS NOT NULL AND order_id = ANY($1::uuid[])',
          [orderIds],
        );
        return row!.n === orderIds.length;
      },
      { what: 'every order charged', timeoutMs: 60_000 },
    );
    expect(arrived).toBe(orderIds.length);
    // Their webhooks too, before the service closes (an answer during the close holds it).
    await sandboxWebhooksDone(service);
  });
});
