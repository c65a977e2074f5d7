import { randomUUID } from 'node:crypto';
import { queryDb } from '@switchyard/testing';
import { startOrderService } from '../support.js';

/**
 * GET /v1/admin/messaging/order: the console dashboard's figures for one service (outbox
 * backlog, consumer lag, dead letters), read from its real database and a real broker.
 */
describe('GET /v1/admin/messaging/order', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;

  beforeAll(async () => {
    service = await startOrderService();
    // A row Kafka kept refusing, set aside: the relay leaves it, so the count is steady.
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO outbox_events (id, topic, message_key, event_type, headers, payload, created_at, parked_at)
       VALUES ($1, 'switchyard.orders.v1', 'k', 'test.parked', '{}', '{}', now() - interval '1 hour', now())`,
      [randomUUID()],
    );
  });
  afterAll(() => service.close());

  const status = async (roles: string[]) =>
    service.app.inject({
      url: '/v1/admin/messaging/order',
      headers: {
        authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles })}`,
      },
    });

  it("reports the outbox, the consumer group's lag per partition and the dead letters", async () => {
    const res = await status(['admin']);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body).toMatchObject({
      service: 'order',
      outbox: { parked: 1 },
      kafka: 'ok',
      deadLetters: expect.any(Number),
      consumer: { group: expect.stringContaining('order'), lag: expect.any(Number) },
    });
    // The parked row is not waiting for the relay: no pending age from it.
    expect(body.outbox.pending).toBe(0);
    expect(body.outbox.oldestAgeSeconds).toBe(0);
    expect(body.consumer.partitions.length).toBeGreaterThan(0);
    expect(body.consumer.lag).toBe(
      body.consumer.partitions.reduce((sum: number, p: { lag: number }) => sum + p.lag, 0),
    );
  });

  it('refuses anyone without the admin role', async () => {
    const res = await status([]);
    expect(res.statusCode).toBe(403);
    expect(res.headers['content-type']).toContain('application/problem+json');
  });
});
