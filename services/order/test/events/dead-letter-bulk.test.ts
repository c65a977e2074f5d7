// The dead-letter admin routes beyond one replay: bulk replay with a dry run, discard one or
// all matching, a second replay refused — each recorded in the order service's audit trail.
// Dead letters are written straight onto the dead-letter topic (as the consumer leaves them),
// so the test need not wait out the consumer's retries.
import { randomUUID } from 'node:crypto';
import { consumerGroupOf, toWireMessage, Topics } from '@switchyard/contracts';
import { queryDb, testProducer, waitFor } from '@switchyard/testing';
import { orderStatusOf, paymentSucceeded, startOrderService } from '../support.js';

describe('dead letters: bulk replay and discard', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let admin: string;
  const adminId = randomUUID();
  beforeAll(async () => {
    service = await startOrderService();
    admin = `Bearer ${await service.ctx.jwks.sign({ userId: adminId, roles: ['admin'] })}`;
  });
  afterAll(() => service.close());

  const post = (path: string, payload: object) =>
    service.app.inject({
      method: 'POST',
      url: `/v1/admin/dead-letters/order${path}`,
      headers: { authorization: admin },
      payload,
    });
  const pending = async () =>
    (
      await service.app.inject({
        url: '/v1/admin/dead-letters/order?limit=100',
        headers: { authorization: admin },
      })
    ).json().items as { eventId: string; partition: number; offset: string; topic: string }[];

  /**
   * payment.succeeded for an order the database has (so a replay applies), dead-lettered with
   * `reason`; the event's id.
   */
  async function deadLetter(reason: string): Promise<{ eventId: string; orderId: string }> {
    const orderId = randomUUID();
    const userId = randomUUID();
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO orders (id, user_id, status, total_minor, currency, payment_method, created_at, updated_at)
       VALUES ($1, $2, 'pending_payment', 500, 'EUR', 'pm_card_visa', now(), now())`,
      [orderId, userId],
    );
    const event = paymentSucceeded({ orderId, userId, amount: { amount: 500, currency: 'EUR' } });
    const wire = toWireMessage(event);
    const ns = service.ctx.namespace;
    const producer = testProducer();
    await producer.connect();
    try {
      await producer.send({
        topic: `${ns}${Topics.payments}.dlt`,
        acks: -1,
        messages: [
          {
            key: wire.key,
            value: wire.value,
            headers: {
              ...wire.headers,
              dlt_reason: reason,
              dlt_consumer_group: consumerGroupOf('order', ns),
              dlt_original_topic: `${ns}${Topics.payments}`,
              dlt_at: new Date().toISOString(),
            },
          },
        ],
      });
    } finally {
      await producer.disconnect();
    }
    return { eventId: event.id, orderId };
  }

  const entries = (action: string) =>
    queryDb<{
      actor_type: string;
      actor_id: string;
      target_type: string;
      target_id: string;
      details: { eventId: string; filter?: object };
    }>(
      service.ctx.databaseUrl,
      `SELECT actor_type, actor_id, target_type, target_id, details FROM audit_events
        WHERE action = $1 ORDER BY seq`,
      [action],
    );

  it('replays what a filter matches after a dry run, once, and records each replay', async () => {
    const reason = `bulk-${randomUUID()}`;
    const letters = [await deadLetter(reason), await deadLetter(reason), await deadLetter(reason)];
    const other = await deadLetter('something else entirely');
    const filter = { topic: Topics.payments, reasonContains: reason.toUpperCase() };

    const dry = await post('/replay-matching', { filter, dryRun: true });
    expect(dry.statusCode).toBe(200);
    expect(dry.json()).toMatchObject({ matched: 3, replayed: 0 });
    expect(dry.json().items.map((i: { eventId: string }) => i.eventId)).toEqual(
      letters.map((l) => l.eventId),
    );
    expect(await entries('dead_letter.replay_requested')).toHaveLength(0);
    expect((await pending()).map((l) => l.eventId)).toEqual(
      expect.arrayContaining([...letters, other].map((l) => l.eventId)),
    );

    // The two oldest, then the rest.
    const some = await post('/replay-matching', { filter, dryRun: false, limit: 2 });
    expect(some.statusCode).toBe(200);
    expect(some.json()).toMatchObject({ matched: 3, replayed: 2 });
    const rest = await post('/replay-matching', { filter, dryRun: false });
    expect(rest.json()).toMatchObject({ matched: 1, replayed: 1 });
    expect((await post('/replay-matching', { filter, dryRun: false })).json()).toEqual({
      matched: 0,
      replayed: 0,
      items: [],
    });
    for (const { orderId } of letters)
      await waitFor(
        async () => (await orderStatusOf(service.ctx.databaseUrl, orderId)) === 'paid',
        {
          what: 'a replayed event applied',
        },
      );
    const listed = (await pending()).map((l) => l.eventId);
    expect(listed).toContain(other.eventId);
    for (const { eventId } of letters) expect(listed).not.toContain(eventId);

    const recorded = await entries('dead_letter.replay_requested');
    expect(recorded.map((e) => e.details.eventId)).toEqual(letters.map((l) => l.eventId));
    expect(recorded[0]).toMatchObject({
      actor_type: 'admin',
      actor_id: adminId,
      target_type: 'dead_letter',
      target_id: expect.stringMatching(
        new RegExp(`^${Topics.payments.replaceAll('.', '\\.')}/\\d+/\\d+$`),
      ),
      details: { filter, bulk: true },
    });

    // The same one again, by its position: refused, and nothing more recorded.
    const [, partition, offset] = recorded[0]!.target_id.split(/\/(?=\d)/);
    const again = await post('/replay', {
      topic: Topics.payments,
      partition: Number(partition),
      offset,
    });
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(again.json().detail).toMatch(/already replayed/);
    expect(await entries('dead_letter.replay_requested')).toHaveLength(3);
  });

  it('discards one dead letter, then every one a filter matches, each recorded', async () => {
    const reason = `discard-${randomUUID()}`;
    const single = await deadLetter(reason);
    const [letter] = (await pending()).filter((l) => l.eventId === single.eventId);
    const position = { topic: letter!.topic, partition: letter!.partition, offset: letter!.offset };
    const discarded = await post('/discard', position);
    expect(discarded.statusCode).toBe(204);
    expect((await pending()).map((l) => l.eventId)).not.toContain(single.eventId);
    // Handled: neither replayed nor discarded again.
    for (const path of ['/replay', '/discard']) {
      const refused = await post(path, position);
      expect(refused.statusCode).toBe(409);
      expect(refused.json().detail).toMatch(/was discarded/);
    }
    expect((await post('/discard', { ...position, offset: '999999' })).statusCode).toBe(404);

    const many = [await deadLetter(reason), await deadLetter(reason)];
    const filter = { reasonContains: reason, eventType: 'dev.switchyard.payment.succeeded.v1' };
    const dry = await post('/discard-matching', { filter, dryRun: true });
    expect(dry.json()).toMatchObject({ matched: 2, discarded: 0 });
    const real = await post('/discard-matching', { filter, dryRun: false });
    expect(real.json()).toMatchObject({ matched: 2, discarded: 2 });
    expect(real.json().items).toHaveLength(2);
    const listed = (await pending()).map((l) => l.eventId);
    for (const { eventId } of many) expect(listed).not.toContain(eventId);

    const recorded = await entries('dead_letter.discarded');
    expect(recorded.map((e) => e.details.eventId)).toEqual([single, ...many].map((l) => l.eventId));
    expect(recorded[0]).toMatchObject({ actor_type: 'admin', actor_id: adminId });
    expect(recorded[0]!.details.filter).toBeUndefined();
    expect(recorded[1]!.details.filter).toEqual(filter);
    // Discarded events were never applied.
    for (const { orderId } of [single, ...many])
      expect(await orderStatusOf(service.ctx.databaseUrl, orderId)).toBe('pending_payment');
  });

  it('refuses a bad filter or limit with a problem', async () => {
    for (const body of [
      { filter: {}, dryRun: true, limit: 0 },
      { filter: {}, dryRun: true, limit: 1001 },
      { filter: { nope: 1 }, dryRun: true },
      { filter: { deadLetteredBefore: 'yesterday' }, dryRun: true },
      { filter: { topic: 'switchyard.unknown.v1' }, dryRun: true },
      { filter: {} },
    ]) {
      const refused = await post('/replay-matching', body);
      expect({ body, status: refused.statusCode }).toEqual({ body, status: 400 });
      expect(refused.headers['content-type']).toMatch(/^application\/problem\+json/);
    }
  });
});
