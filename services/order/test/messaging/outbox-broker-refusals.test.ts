import { randomUUID } from 'node:crypto';
import path from 'node:path';
import { createEvent, type EventEnvelope } from '@switchyard/contracts';
import { enqueueEvent, OutboxRelay } from '@switchyard/messaging';
import {
  parseMessage,
  queryDb,
  readTopic,
  setupServiceTest,
  testKafka,
  waitFor,
  type ServiceTestContext,
} from '@switchyard/testing';
import { ConfigResourceTypes, type Admin, type KafkaMessage } from 'kafkajs';
import { pino } from 'pino';
import { createDb, type Db } from '../../src/db.js';
import { serviceDir } from '../support.js';

/**
 * What the relay does when the real broker refuses a row. Only a record Kafka refuses whoever
 * sends it (larger than its topic accepts) is parked; a refusal that is the broker's own
 * configuration (here a topic that refuses old timestamps — a backlog after an outage, the way
 * an ACL or producer-state incident refuses every row) keeps every row pending and in order,
 * retried until the broker accepts them. One relay of the test's own, on the order service's
 * database, so what it logs and publishes is all there is.
 */
describe('outbox relay when the broker refuses rows', () => {
  let ctx: ServiceTestContext;
  let db: Db;
  let admin: Admin;
  let relay: OutboxRelay;
  const logLines: string[] = [];

  beforeAll(async () => {
    ctx = await setupServiceTest({
      service: 'order',
      migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    });
    db = createDb(ctx.databaseUrl);
    admin = testKafka('refusals-admin').admin();
    await admin.connect();
    relay = new OutboxRelay({
      db,
      kafka: testKafka('refusals-relay'),
      logger: pino({ level: 'warn' }, { write: (line: string) => void logLines.push(line) }),
      service: 'order',
      topicNamespace: ctx.namespace,
      pollIntervalMs: 50,
      maxRowAttempts: 2,
    });
    relay.start();
  });
  afterAll(async () => {
    await relay.stop(1_000);
    await admin.disconnect();
    await db.$disconnect();
    await ctx.teardown();
  });

  const cancelled = (orderId: string, reason = 'test') =>
    createEvent('order.cancelled', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId: randomUUID(), reason },
    });

  /** A topic of the run's namespace with its own configuration; the rows' name for it. */
  async function topicWith(name: string, config: Record<string, string>): Promise<string> {
    await admin.createTopics({
      waitForLeaders: true,
      topics: [
        {
          topic: ctx.namespace + name,
          numPartitions: 1,
          configEntries: Object.entries(config).map(([k, v]) => ({ name: k, value: v })),
        },
      ],
    });
    return name;
  }

  /** Write events to the outbox in one transaction, on `topic`, the first `ageSeconds` old. */
  async function enqueue(topic: string, events: EventEnvelope[], ageSeconds = 0): Promise<void> {
    await db.$transaction(async (tx) => {
      for (const event of events) await enqueueEvent(tx, event);
      await tx.$executeRawUnsafe(
        `UPDATE outbox_events SET topic = $1 WHERE id = ANY($2::uuid[])`,
        topic,
        events.map((e) => e.id),
      );
      await tx.$executeRawUnsafe(
        `UPDATE outbox_events SET created_at = now() - make_interval(secs => $1) WHERE id = $2::uuid`,
        ageSeconds,
        events[0]!.id,
      );
    });
  }

  const rowState = async (id: string) =>
    (
      await queryDb<{ attempts: number; parked_at: Date | null; published_at: Date | null }>(
        ctx.databaseUrl,
        'SELECT attempts, parked_at, published_at FROM outbox_events WHERE id = $1',
        [id],
      )
    )[0]!;

  const producerOf = (message: KafkaMessage) =>
    (message as KafkaMessage & { batchContext: { producerId: string } }).batchContext.producerId;

  it('keeps rows the broker refuses for its own configuration pending, in order, until it accepts them', async () => {
    const topic = await topicWith('relay-test.timestamps', {
      'message.timestamp.before.max.ms': '60000',
    });
    // A row the broker accepts first: the relay's producer as it was before the incident.
    const before = cancelled(randomUUID());
    await enqueue(topic, [before]);
    const [published] = await readTopic(
      ctx.namespace + topic,
      (m) => m.key?.toString() === before.subject,
    );

    // An hour-old row (written during an outage) and the next event of the same order.
    const orderId = randomUUID();
    const stale = cancelled(orderId, 'stale');
    const next = cancelled(orderId, 'next');
    await enqueue(topic, [stale, next], 3_600);

    // Refused more often than a row's own fault may be (maxRowAttempts: 2) before it is parked.
    const refusals = () =>
      logLines.filter((l) => /timestamp of the message is out of acceptable range/.test(l)).length;
    await waitFor(async () => refusals() >= 3, {
      what: 'three refusals of the hour-old row',
    });
    expect(await rowState(stale.id)).toEqual({ attempts: 0, parked_at: null, published_at: null });
    expect((await rowState(next.id)).published_at).toBeNull();

    // The operator lifts the limit: both rows are published, in the order they were written.
    await admin.alterConfigs({
      validateOnly: false,
      resources: [
        {
          type: ConfigResourceTypes.TOPIC,
          name: ctx.namespace + topic,
          configEntries: [
            { name: 'message.timestamp.before.max.ms', value: '9223372036854775807' },
          ],
        },
      ],
    });
    const messages = await readTopic(ctx.namespace + topic, (m) => m.key?.toString() === orderId, {
      count: 2,
    });
    expect(messages.map((m) => parseMessage(m).id)).toEqual([stale.id, next.id]);
    // A refusal can be the producer's own state on the broker (UNKNOWN_PRODUCER_ID,
    // OUT_OF_ORDER_SEQUENCE_NUMBER), which the same producer would meet for ever: the relay
    // retries with a fresh one.
    expect(producerOf(messages[0]!)).not.toBe(producerOf(published!));
    expect(await rowState(stale.id)).toMatchObject({ attempts: 0, parked_at: null });
  });

  it('parks a row larger than its topic accepts, so the rows behind it are published', async () => {
    const topic = await topicWith('relay-test.small', { 'max.message.bytes': '2000' });
    const tooLarge = cancelled(randomUUID(), 'x'.repeat(5_000));
    const next = cancelled(randomUUID());
    await enqueue(topic, [tooLarge, next]);

    const [message] = await readTopic(
      ctx.namespace + topic,
      (m) => m.key?.toString() === next.subject,
    );
    expect(parseMessage(message!).id).toBe(next.id);
    const row = await waitFor(
      async () => {
        const state = await rowState(tooLarge.id);
        return state.parked_at ? state : null;
      },
      { what: 'the too-large row parked' },
    );
    expect(row).toMatchObject({ attempts: 2, published_at: null });
  });
});
