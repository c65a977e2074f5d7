import { publishEvent, waitFor } from '@switchyard/testing';
import {
  orderCreated,
  startPaymentService,
  waitForPayment,
  type PaymentService,
} from '../support.js';

/**
 * kafkajs heartbeats only between messages; a charge slower than the session timeout used to
 * get the consumer thrown out of its group mid-message, and every slow charge meant another
 * rebalance. The consumer now heartbeats while a handler runs.
 */
describe('a provider slower than the consumer session timeout', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService({
      env: {
        KAFKA_SESSION_TIMEOUT_MS: '6000',
        KAFKA_HEARTBEAT_INTERVAL_MS: '500',
        PROVIDER_TIMEOUT_MS: '10000',
        PROVIDER_CALL_BUDGET_MS: '15000',
      },
      // pm_card_slow answers every request after 8 s: slower than the 6 s session.
      sandboxEnv: { SANDBOX_SLOW_MS: '8000' },
    });
  });
  afterAll(() => service.close());

  const joins = async () => {
    const text = (await service.app.inject({ url: '/metrics' })).body;
    return Number(/kafka_consumer_group_joins_total\{[^}]*\} (\d+)/.exec(text)?.[1] ?? 0);
  };

  it('charges through the slow provider without the consumer group rebalancing', async () => {
    await waitFor(async () => (await joins()) >= 1, { what: 'the consumer joined its group' });
    const before = await joins();
    const event = orderCreated('pm_card_slow');
    await publishEvent(service.ctx.namespace, event);
    await waitForPayment(service, event.data.orderId, (p) => p.status === 'succeeded', 'paid');
    // Long enough for a dropped member to notice and rejoin.
    await new Promise((resolve) => setTimeout(resolve, 3_000));
    expect(await joins()).toBe(before);
  });
});
