import { randomUUID } from 'node:crypto';
import { Topics } from '@switchyard/contracts';
import { publishEvent, readTopic, waitFor } from '@switchyard/testing';
import { orderStatusOf, paymentSucceeded, placeOrder, startOrderService } from '../support.js';

/**
 * An event a consumer's transaction writes to the outbox (order.paid, written while consuming
 * payment.succeeded) must leave at once, as one written by an HTTP request does — not at the
 * relay's next idle poll. It did wait: at rest the customer's "paid" notification came up to a
 * second late (docs/benchmarks.md, event hop). The poll is set to two minutes here, so only a
 * wake-up can get the event out within the wait.
 */
describe('an event written by a consumer', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();

  beforeAll(async () => {
    service = await startOrderService({ OUTBOX_POLL_INTERVAL_MS: '120000' });
  });
  afterAll(() => service.close());

  it('is published at once, not at the relay’s next poll', async () => {
    const orderId = await placeOrder(service, userId);
    await publishEvent(
      service.ctx.namespace,
      paymentSucceeded({ orderId, userId, amount: { amount: 1250, currency: 'EUR' } }),
    );
    await waitFor(async () => (await orderStatusOf(service.ctx.databaseUrl, orderId)) === 'paid', {
      what: 'order paid',
    });
    const [paid] = await readTopic(
      service.ctx.namespace + Topics.orders,
      (m) =>
        m.key?.toString() === orderId &&
        m.headers?.ce_type?.toString() === 'dev.switchyard.order.paid.v1',
      { timeoutMs: 20_000 },
    );
    expect(paid).toBeDefined();
  });
});
