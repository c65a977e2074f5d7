import { undocumentedRoutes } from '@switchyard/service-kit';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { createEvent, Topics } from '@switchyard/contracts';
import { findSchemaDrift } from '@switchyard/db';
import {
  parseMessage,
  publishEvent,
  queryDb,
  readTopic,
  waitFor,
  consumedEvents,
} from '@switchyard/testing';
import { serviceDir, startPaymentService } from '../support.js';

describe('payment service', () => {
  let service: Awaited<ReturnType<typeof startPaymentService>>;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const orderCreated = (paymentMethod: string, userId = randomUUID()) => {
    const orderId = randomUUID();
    return createEvent('order.created', {
      source: 'order',
      subject: orderId,
      data: {
        orderId,
        userId,
        paymentMethod,
        total: { amount: 2500, currency: 'EUR' },
        lines: [
          {
            productId: randomUUID(),
            name: 'Mug',
            quantity: 2,
            unitPrice: { amount: 1250, currency: 'EUR' },
          },
        ],
      },
    });
  };
  const paymentEvents = (orderId: string) =>
    readTopic(service.ctx.namespace + Topics.payments, (m) => m.key?.toString() === orderId);

  it('documents every route it serves in its OpenAPI document', () => {
    expect(service.app.routeInventory.length).toBeGreaterThan(4);
    expect(undocumentedRoutes(service.app)).toEqual([]);
  });

  it('has a migrated database that matches schema.prisma', async () => {
    expect(
      await findSchemaDrift({
        schemaPath: path.join(serviceDir, 'prisma/schema.prisma'),
        databaseUrl: service.ctx.databaseUrl,
      }),
    ).toEqual([]);
  });

  it('charges an order and publishes payment.succeeded', async () => {
    const event = orderCreated('pm_card_visa');
    await publishEvent(service.ctx.namespace, event);
    const [message] = await paymentEvents(event.data.orderId);
    const result = parseMessage(message!);
    expect(result.name).toBe('payment.succeeded');
    expect(result.data).toMatchObject({
      orderId: event.data.orderId,
      amount: { amount: 2500, currency: 'EUR' },
    });
  });

  it('publishes payment.failed with the reason for a declined card', async () => {
    const event = orderCreated('pm_card_declined');
    await publishEvent(service.ctx.namespace, event);
    const [message] = await paymentEvents(event.data.orderId);
    expect(parseMessage(message!)).toMatchObject({
      name: 'payment.failed',
      data: { reason: 'card_declined' },
    });
  });

  it('charges once and publishes one result when order.created is delivered three times', async () => {
    const event = orderCreated('pm_card_visa');
    await publishEvent(service.ctx.namespace, event, 3);
    await waitFor(
      async () => {
        const metrics = (await service.app.inject({ url: '/metrics' })).body;
        return consumedEvents(metrics, 'order.created', 'duplicate') >= 2;
      },
      { what: 'both duplicates consumed' },
    );
    const payments = await queryDb(
      service.ctx.databaseUrl,
      'SELECT status FROM payments WHERE order_id = $1',
      [event.data.orderId],
    );
    expect(payments).toEqual([{ status: 'succeeded' }]);
    const results = await queryDb(
      service.ctx.databaseUrl,
      'SELECT 1 FROM outbox_events WHERE message_key = $1',
      [event.data.orderId],
    );
    expect(results).toHaveLength(1);
  });

  it("shows a customer their payment for an order, and nobody else's", async () => {
    const owner = randomUUID();
    const event = orderCreated('pm_card_visa', owner);
    await publishEvent(service.ctx.namespace, event);
    await paymentEvents(event.data.orderId);
    const url = `/v1/payments?orderId=${event.data.orderId}`;
    const mine = await service.app.inject({
      url,
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: owner })}` },
    });
    expect(mine.statusCode).toBe(200);
    expect(mine.json().items).toEqual([
      expect.objectContaining({ orderId: event.data.orderId, status: 'succeeded' }),
    ]);
    const theirs = await service.app.inject({
      url,
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}` },
    });
    expect(theirs.json().items).toEqual([]);
    expect((await service.app.inject({ url })).statusCode).toBe(401);
    const bad = await service.app.inject({
      url: '/v1/payments?orderId=nope',
      headers: { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: owner })}` },
    });
    expect(bad.statusCode).toBe(400);
  });
});
