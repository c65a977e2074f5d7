import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { consumedEvents, publishEvent, takeDatabaseOffline, waitFor } from '@switchyard/testing';
import { paymentSucceeded, placeOrder, startOrderService, orderStatusOf } from '../support.js';

describe('order service consuming while its database is away', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();

  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;

  it('applies payment.succeeded once the database is back, instead of dead-lettering it', async () => {
    const orderId = await placeOrder(service, userId);

    // A failover: the database refuses connections for longer than any bounded retry budget.
    const restore = await takeDatabaseOffline(service.ctx.databaseUrl);
    try {
      await publishEvent(
        service.ctx.namespace,
        paymentSucceeded({ orderId, userId, amount: { amount: 1250, currency: 'EUR' } }),
      );
      // Longer than the few seconds of retries a handler failure used to get.
      await sleep(7_000);
    } finally {
      await restore();
    }

    await waitFor(async () => (await orderStatusOf(service.ctx.databaseUrl, orderId)) === 'paid', {
      what: 'the order paid after the outage',
    });
    expect(consumedEvents(await metrics(), 'payment.succeeded', 'dead_lettered')).toBe(0);
    expect(consumedEvents(await metrics(), 'payment.succeeded', 'applied')).toBe(1);
    expect(await metrics()).toMatch(
      /event_handler_retries_total\{[^}]*kind="transient"[^}]*\} [1-9]/,
    );
  });
});
