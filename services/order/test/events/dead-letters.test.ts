import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { promisify } from 'node:util';
import { Topics } from '@switchyard/contracts';
import {
  consumedEvents,
  metricValue,
  publishEvent,
  queryDb,
  repoRoot,
  testProducer,
  waitFor,
} from '@switchyard/testing';
import { paymentSucceeded, startOrderService, orderStatusOf } from '../support.js';

const run = promisify(execFile);

describe('dead letters: inspect and replay', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let admin: string;
  beforeAll(async () => {
    service = await startOrderService();
    admin = `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] })}`;
  });
  afterAll(() => service.close());

  const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;
  const cli = (...args: string[]) =>
    run(
      process.execPath,
      [path.join(repoRoot(), 'packages/messaging/dist/cli/dead-letters.js'), ...args],
      {
        env: { ...process.env, KAFKA_NAMESPACE: service.ctx.namespace },
      },
    );

  it('lists what the consumer gave up on, and applies it once replayed after the cause is fixed', async () => {
    // payment.succeeded for an order this database does not have (yet): a failure of the data,
    // not of the infrastructure, so after its attempts it is dead-lettered.
    const orderId = randomUUID();
    const userId = randomUUID();
    const event = paymentSucceeded({ orderId, userId, amount: { amount: 1250, currency: 'EUR' } });
    await publishEvent(service.ctx.namespace, event);
    await waitFor(
      async () => consumedEvents(await metrics(), 'payment.succeeded', 'dead_lettered') === 1,
      {
        what: 'dead-lettered',
      },
    );
    // The DLQ's size, read from Kafka at scrape time, is what operators alert on.
    expect(
      metricValue(await metrics(), 'dead_letter_messages', {
        topic: `${Topics.payments}.dlt`,
      }),
    ).toBe(1);

    const listed = await service.app.inject({
      url: `/v1/admin/dead-letters/order?topic=${Topics.payments}`,
      headers: { authorization: admin },
    });
    expect(listed.statusCode).toBe(200);
    const [letter] = listed.json().items;
    expect(letter).toMatchObject({
      topic: Topics.payments,
      eventId: event.id,
      eventType: 'dev.switchyard.payment.succeeded.v1',
      key: orderId,
    });
    expect(letter.reason).toMatch(/not found/);
    // The same through the command-line tool.
    const { stdout } = await cli('list', Topics.payments);
    expect(stdout).toContain(event.id);

    // Customers may not look.
    const customer = `Bearer ${await service.ctx.jwks.sign({ userId })}`;
    const refused = await service.app.inject({
      url: '/v1/admin/dead-letters/order',
      headers: { authorization: customer },
    });
    expect(refused.statusCode).toBe(403);

    // The cause is fixed (the order is restored), then the message is replayed once.
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method, created_at, updated_at)
       VALUES ($1, $2, 'pending_payment', 1250, 'EUR', 'pm_card_visa', now(), now())`,
      [orderId, userId],
    );
    const replayed = await service.app.inject({
      method: 'POST',
      url: '/v1/admin/dead-letters/order/replay',
      headers: { authorization: admin },
      payload: { topic: Topics.payments, partition: letter.partition, offset: letter.offset },
    });
    expect(replayed.statusCode).toBe(202);
    await waitFor(async () => (await orderStatusOf(service.ctx.databaseUrl, orderId)) === 'paid', {
      what: 'the replayed event applied',
    });
    // Replaying it again (here with the CLI) changes nothing: the inbox has it.
    await cli('replay', Topics.payments, String(letter.partition), letter.offset);
    await waitFor(
      async () => consumedEvents(await metrics(), 'payment.succeeded', 'duplicate') === 1,
      {
        what: 'the second replay seen as a duplicate',
      },
    );
    const unknown = await service.app.inject({
      method: 'POST',
      url: '/v1/admin/dead-letters/order/replay',
      headers: { authorization: admin },
      payload: { topic: Topics.payments, partition: letter.partition, offset: '999999' },
    });
    expect(unknown.statusCode).toBe(404);
  });

  it('pages dead letters like every list: limit 1–100 and a cursor to the next page', async () => {
    const dead = await Promise.all(
      [1, 2, 3].map(async () => {
        const event = paymentSucceeded({
          orderId: randomUUID(),
          userId: randomUUID(),
          amount: { amount: 990, currency: 'EUR' },
        });
        await publishEvent(service.ctx.namespace, event);
        return event.id;
      }),
    );
    const list = (query: string) =>
      service.app.inject({
        url: `/v1/admin/dead-letters/order${query}`,
        headers: { authorization: admin },
      });
    await waitFor(
      async () => {
        const ids = (await list('?limit=100'))
          .json()
          .items.map((l: { eventId: string }) => l.eventId);
        return dead.every((id) => ids.includes(id));
      },
      { what: 'three more dead letters' },
    );

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`?limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect(res.statusCode).toBe(200);
      const { items, nextCursor } = res.json() as {
        items: { eventId: string }[];
        nextCursor: string | null;
      };
      expect(items).toHaveLength(1);
      seen.push(items[0]!.eventId);
      cursor = nextCursor;
    } while (cursor && seen.length < 20);
    expect(cursor).toBeNull();
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen).toEqual(expect.arrayContaining(dead));
    expect((await list('?limit=100')).json().items).toHaveLength(seen.length);

    for (const query of ['?limit=101', '?limit=500', '?limit=0', '?cursor=nonsense']) {
      const refused = await list(query);
      expect(refused.statusCode).toBe(400);
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });

  it('pages dead letters whose Kafka timestamp no cursor could carry (none, before 2020)', async () => {
    // Written straight onto the dead-letter topic, as a producer without timestamps (-1) or
    // with a wrong clock would have left them.
    const ns = service.ctx.namespace;
    const ids = ['-1', String(Date.UTC(2019, 0, 1)), String(Date.now())].map((timestamp) => ({
      timestamp,
      id: randomUUID(),
    }));
    const producer = testProducer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${ns}${Topics.payments}.dlt`,
        acks: -1,
        messages: ids.map(({ timestamp, id }) => ({
          key: randomUUID(),
          value: '{}',
          timestamp,
          headers: {
            ce_id: id,
            dlt_reason: 'test',
            dlt_consumer_group: `${ns}order`,
            dlt_original_topic: `${ns}${Topics.payments}`,
          },
        })),
      });
    } finally {
      await producer.disconnect();
    }
    const list = (query: string) =>
      service.app.inject({
        url: `/v1/admin/dead-letters/order?topic=${Topics.payments}${query}`,
        headers: { authorization: admin },
      });
    const total = (await list('&limit=100')).json().items.length;
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const res = await list(`&limit=1${cursor ? `&cursor=${cursor}` : ''}`);
      expect({ status: res.statusCode, cursor }).toEqual({ status: 200, cursor });
      const page = res.json() as { items: { eventId: string }[]; nextCursor: string | null };
      seen.push(...page.items.map((l) => l.eventId));
      cursor = page.nextCursor;
    } while (cursor && seen.length < 50);
    expect(cursor).toBeNull();
    expect(seen).toHaveLength(total);
    expect(new Set(seen).size).toBe(total);
    expect(seen).toEqual(expect.arrayContaining(ids.map(({ id }) => id)));
  });
});
