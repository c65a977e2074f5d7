import { randomUUID } from 'node:crypto';
import { createEvent, deadLetterTopicOf, Topics } from '@switchyard/contracts';
import {
  publishEvent,
  publishRaw,
  queryDb,
  readTopic,
  waitFor,
  consumedEvents,
  metricValue,
} from '@switchyard/testing';
import { MUG, placeOrder as placeMugOrder, startOrderService, stockOf } from '../support.js';

describe('order service payment-result events', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  const userId = randomUUID();

  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  const placeOrder = (quantity = 1) => placeMugOrder(service, userId, quantity);
  const orderRow = async (id: string) =>
    (
      await queryDb<{ status: string; cancel_reason: string | null }>(
        service.ctx.databaseUrl,
        'SELECT status, cancel_reason FROM orders WHERE id = $1',
        [id],
      )
    )[0]!;
  const stock = () => stockOf(service.ctx.databaseUrl, MUG);

  it('marks the order paid once, even when payment.succeeded arrives twice', async () => {
    const orderId = await placeOrder();
    const event = createEvent('payment.succeeded', {
      source: 'payment',
      subject: orderId,
      data: {
        paymentId: randomUUID(),
        orderId,
        userId,
        amount: { amount: 1250, currency: 'EUR' },
        providerChargeId: 'ch_1',
      },
    });
    await publishEvent(service.ctx.namespace, event, 2);
    await waitFor(async () => (await orderRow(orderId)).status === 'paid', { what: 'order paid' });
    // Wait until the consumer has seen the second copy and counted it as a duplicate.
    await waitFor(
      async () => {
        const metrics = (await service.app.inject({ url: '/metrics' })).body;
        return consumedEvents(metrics, 'payment.succeeded', 'duplicate') >= 1;
      },
      { what: 'the duplicate delivery to be consumed' },
    );
    const seen = await queryDb(
      service.ctx.databaseUrl,
      'SELECT 1 FROM inbox_events WHERE event_id = $1',
      [event.id],
    );
    expect(seen).toHaveLength(1);
    // How long each delivery's handling took, the applied one and the duplicate: beside the
    // hop, it tells waiting for a handler from handling.
    const metrics = (await service.app.inject({ url: '/metrics' })).body;
    expect(
      metricValue(metrics, 'event_handler_seconds_count', { event: 'payment.succeeded' }),
    ).toBeGreaterThanOrEqual(2);
    const paidEvents = await queryDb(
      service.ctx.databaseUrl,
      "SELECT 1 FROM outbox_events WHERE event_type = 'order.paid' AND message_key = $1",
      [orderId],
    );
    expect(paidEvents).toHaveLength(1);
  });

  it('cancels the order and releases its stock when payment fails', async () => {
    const before = await stock();
    const orderId = await placeOrder(3);
    expect(await stock()).toBe(before - 3);
    await publishEvent(
      service.ctx.namespace,
      createEvent('payment.failed', {
        source: 'payment',
        subject: orderId,
        data: {
          paymentId: randomUUID(),
          orderId,
          userId,
          amount: { amount: 3750, currency: 'EUR' },
          reason: 'card_declined',
        },
      }),
    );
    await waitFor(async () => (await orderRow(orderId)).status === 'cancelled', {
      what: 'order cancelled',
    });
    expect((await orderRow(orderId)).cancel_reason).toMatch(/card_declined/);
    expect(await stock()).toBe(before);
    const [cancelled] = await readTopic(
      service.ctx.namespace + Topics.orders,
      (m) =>
        m.key?.toString() === orderId &&
        m.headers?.ce_type?.toString() === 'dev.switchyard.order.cancelled.v1',
    );
    expect(cancelled).toBeDefined();
  });

  it('sends a malformed message to the dead-letter topic and keeps consuming', async () => {
    const key = randomUUID();
    await publishRaw(service.ctx.namespace + Topics.payments, {
      key,
      value: '{"not":"a payment"}',
      headers: {
        ce_specversion: '1.0',
        ce_id: randomUUID(),
        ce_type: 'dev.switchyard.payment.succeeded.v1',
        ce_source: 'test',
        ce_subject: key,
        ce_time: new Date().toISOString(),
      },
    });
    const [dead] = await readTopic(
      service.ctx.namespace + deadLetterTopicOf(Topics.payments),
      (m) => m.key?.toString() === key,
    );
    expect(dead!.headers?.dlt_reason?.toString()).toMatch(/payload invalid/);

    const orderId = await placeOrder();
    await publishEvent(
      service.ctx.namespace,
      createEvent('payment.succeeded', {
        source: 'payment',
        subject: orderId,
        data: {
          paymentId: randomUUID(),
          orderId,
          userId,
          amount: { amount: 1250, currency: 'EUR' },
          providerChargeId: 'ch_2',
        },
      }),
    );
    await waitFor(async () => (await orderRow(orderId)).status === 'paid', {
      what: 'order paid after a bad message',
    });
  });
});
