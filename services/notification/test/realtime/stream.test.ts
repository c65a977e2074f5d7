import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { createEvent } from '@switchyard/contracts';
import {
  openEventStream,
  publishEvent,
  queryDb,
  startSmtpCapture,
  type EventStreamClient,
  type SmtpCapture,
} from '@switchyard/testing';
import { closeAfterTests, startNotificationService, startReplica } from '../support.js';

describe('realtime notification stream across two replicas', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  let replica: Awaited<ReturnType<typeof startReplica>>;
  let urlA: string;
  let urlB: string;
  const clients: EventStreamClient[] = [];

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
    replica = await startReplica(service.ctx.env);
    const listen = async (app: typeof replica) => {
      await app.listen({ port: 0, host: '127.0.0.1' });
      return `http://127.0.0.1:${(app.server.address() as AddressInfo).port}/v1/notifications/stream`;
    };
    urlA = await listen(service.app);
    urlB = await listen(replica);
    // Replica B consumes nothing: whatever its clients receive, replica A consumed.
    await replica.messaging.stop();
  });
  afterAll(() =>
    closeAfterTests(
      smtp,
      () => clients.forEach((c) => c.close()),
      () => replica?.close(),
      () => service?.close(),
    ),
  );

  const open = async (url: string, userId: string, lastEventId?: string) => {
    const token = await service.ctx.jwks.sign({ userId });
    const client = await openEventStream(url, { token, lastEventId });
    clients.push(client);
    return client;
  };
  const orderPaid = (userId: string, amount = 1500) => {
    const orderId = randomUUID();
    return createEvent('order.paid', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId, paymentId: randomUUID(), total: { amount, currency: 'EUR' } },
    });
  };

  it('refuses a stream without a token', async () => {
    expect((await openEventStream(urlA)).status).toBe(401);
  });

  it('delivers to a client on replica B what replica A consumed (Redis fan-out)', async () => {
    const userId = randomUUID();
    const onA = await open(urlA, userId);
    const onB = await open(urlB, userId);
    const someoneElse = await open(urlB, randomUUID());
    expect([onA.status, onB.status]).toEqual([200, 200]);
    const event = orderPaid(userId);
    await publishEvent(service.ctx.namespace, event);
    const [received] = await onB.waitForEvents(1);
    expect(received!.event).toBe('notification');
    expect(JSON.parse(received!.data)).toMatchObject({
      title: `Order ${event.data.orderId.slice(0, 8)} is confirmed`,
      read: false,
    });
    const [alsoOnA] = await onA.waitForEvents(1);
    expect(alsoOnA!.id).toBe(received!.id);
    expect(someoneElse.events).toEqual([]);
  });

  it('keeps idle streams alive with heartbeats', async () => {
    const client = await open(urlB, randomUUID());
    await new Promise((r) => setTimeout(r, 500));
    expect(client.comments.some((c) => c.includes('heartbeat'))).toBe(true);
  });

  it('resumes after a reconnect with Last-Event-ID: what was missed, in order, nothing twice', async () => {
    const userId = randomUUID();
    const first = await open(urlB, userId);
    await publishEvent(service.ctx.namespace, orderPaid(userId, 100));
    const [seen] = await first.waitForEvents(1);
    first.close();

    // While disconnected, two more notifications happen.
    await publishEvent(service.ctx.namespace, orderPaid(userId, 200));
    await publishEvent(service.ctx.namespace, orderPaid(userId, 300));
    // (A second client, resuming too, tells us when both have been stored.)
    const probe = await open(urlA, userId, seen!.id);
    await probe.waitForEvents(2);
    probe.close();

    const resumed = await open(urlB, userId, seen!.id);
    const missed = await resumed.waitForEvents(2);
    const bodies = missed.map((e) => JSON.parse(e.data).body as string);
    expect(bodies[0]).toContain('EUR 2.00');
    expect(bodies[1]).toContain('EUR 3.00');
    expect(missed.map((e) => e.id)).not.toContain(seen!.id);
    expect(Number(missed[0]!.id)).toBeLessThan(Number(missed[1]!.id));

    // And it is live again afterwards.
    await publishEvent(service.ctx.namespace, orderPaid(userId, 400));
    const all = await resumed.waitForEvents(3);
    expect(JSON.parse(all[2]!.data).body).toContain('EUR 4.00');
    expect(new Set(all.map((e) => e.id)).size).toBe(3);
  });

  it('streams nothing for a category the user turned off in-app, but still emails it', async () => {
    const userId = randomUUID();
    const token = await service.ctx.jwks.sign({ userId });
    const patch = await service.app.inject({
      method: 'PATCH',
      url: '/v1/notifications/preferences',
      headers: { authorization: `Bearer ${token}` },
      payload: { in_app: { order: false } },
    });
    expect(patch.statusCode).toBe(200);
    const client = await open(urlA, userId);
    await publishEvent(service.ctx.namespace, orderPaid(userId));
    await publishEvent(
      service.ctx.namespace,
      createEvent('payment.failed', {
        source: 'payment',
        subject: userId,
        data: {
          paymentId: randomUUID(),
          orderId: randomUUID(),
          userId,
          amount: { amount: 10, currency: 'EUR' },
          reason: 'card_declined',
        },
      }),
    );
    const [only] = await client.waitForEvents(1);
    expect(JSON.parse(only!.data).title).toMatch(/^Payment for order/);
    await new Promise((r) => setTimeout(r, 300));
    expect(client.events).toHaveLength(1);
    const emails = await queryDb(
      service.ctx.databaseUrl,
      "SELECT subject FROM email_deliveries WHERE user_id = $1 AND subject LIKE 'Order%'",
      [userId],
    );
    expect(emails).toHaveLength(1);
  });
});
