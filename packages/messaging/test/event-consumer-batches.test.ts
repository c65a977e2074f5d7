import { randomUUID } from 'node:crypto';
import { createEvent, toWireMessage, Topics, type EventEnvelope } from '@switchyard/contracts';
import { pino } from 'pino';
import client from 'prom-client';
import { EventConsumer, type EventConsumerOptions } from '../src/event-consumer.js';
import { createKafka, createProducer, ensureTopics } from '../src/kafka.js';
import { enqueueEvent } from '../src/outbox.js';
import type { SqlClient, TransactionalSqlClient } from '../src/sql-client.js';

/**
 * The consumer's cost per batch, against the real broker. The database is a stand-in that
 * records transactions and keeps an inbox (a rolled-back transaction's inbox rows and handled
 * events are dropped, as PostgreSQL would); the consumer against real PostgreSQL runs in every
 * service's tests and in e2e.
 */
describe('event consumer batches', () => {
  const brokers = [`127.0.0.1:${process.env.KAFKA_PORT ?? '9092'}`];
  const logger = pino({ level: 'silent' });
  const kafka = createKafka({ clientId: 'consumer-batches-test', brokers, logger });
  const topics: string[] = [];
  afterAll(async () => {
    const admin = kafka.admin();
    await admin.connect();
    await admin.deleteTopics({ topics }).catch(() => {});
    await admin.disconnect();
  });

  function standInDb() {
    const inbox = new Set<string>();
    const applied: string[] = [];
    let transactions = 0;
    const db = {
      $executeRawUnsafe: async () => 1,
      $queryRawUnsafe: async () => [],
      async $transaction<T>(fn: (tx: SqlClient) => Promise<T>): Promise<T> {
        transactions++;
        const added: string[] = [];
        const handled: string[] = [];
        const tx = {
          async $executeRawUnsafe(sql: string, ...values: unknown[]) {
            if (!sql.includes('INSERT INTO inbox_events')) return 1;
            const id = values[1] as string;
            if (inbox.has(id) || added.includes(id)) return 0;
            added.push(id);
            return 1;
          },
          async $queryRawUnsafe<R>(sql: string, ...values: unknown[]): Promise<R> {
            if (!sql.includes('INSERT INTO inbox_events')) return [] as R;
            const fresh = [...new Set(values[1] as string[])].filter(
              (id) => !inbox.has(id) && !added.includes(id),
            );
            added.push(...fresh);
            return fresh.map((event_id) => ({ event_id })) as R;
          },
          handled,
        };
        const result = await fn(tx); // a throw rolls back: nothing recorded
        for (const id of added) inbox.add(id);
        applied.push(...handled);
        return result;
      },
    };
    return {
      db: db as unknown as TransactionalSqlClient,
      applied,
      transactions: () => transactions,
    };
  }

  async function run(
    events: EventEnvelope[],
    options: Partial<EventConsumerOptions> & {
      handle: (event: EventEnvelope, tx: SqlClient & { handled: string[] }) => Promise<void>;
    },
  ) {
    const namespace = `test-batches-${randomUUID()}.`;
    topics.push(namespace + Topics.orders);
    await ensureTopics(kafka, [namespace + Topics.orders], { numPartitions: 1 });
    const producer = createProducer(kafka);
    await producer.connect();
    await producer.send({
      topic: namespace + Topics.orders,
      messages: events.map((e) => {
        const wire = toWireMessage(e);
        return { key: 'one-key', value: wire.value, headers: wire.headers };
      }),
    });
    await producer.disconnect();
    const s = standInDb();
    let committed = 0;
    const consumer = new EventConsumer({
      kafka,
      db: s.db,
      logger,
      groupId: `${namespace}group`,
      topics: [Topics.orders],
      topicNamespace: namespace,
      registry: new client.Registry(),
      retryBaseDelayMs: 10,
      onCommitted: () => committed++,
      handlers: {
        'order.cancelled': {
          handle: async (event, tx) => {
            await options.handle(event, tx as SqlClient & { handled: string[] });
            (tx as SqlClient & { handled: string[] }).handled.push(event.id);
          },
        },
      },
      ...options,
    });
    consumer.start();
    const deadline = Date.now() + 30_000;
    while (s.applied.length < new Set(events.map((e) => e.id)).size && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 20));
    await new Promise((resolve) => setTimeout(resolve, 200));
    await consumer.stop();
    return { applied: s.applied, transactions: s.transactions(), committed };
  }

  const cancelled = (reason = 'test') => {
    const orderId = randomUUID();
    return createEvent('order.cancelled', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId: randomUUID(), reason },
    });
  };

  it('wakes the outbox relay only after a transaction that wrote to the outbox', async () => {
    const events = [cancelled(), cancelled('write'), cancelled(), cancelled()];
    const result = await run(events, {
      handle: async (event, tx) => {
        if ((event.data as { reason?: string }).reason === 'write')
          await enqueueEvent(tx, cancelled());
      },
    });
    expect(result.applied).toEqual(events.map((e) => e.id));
    expect(result.committed).toBe(1);
  });

  it('applies a fetched batch in one transaction when asked to, in order, each event once', async () => {
    const events = Array.from({ length: 20 }, () => cancelled());
    events.splice(5, 0, events[2]!); // a duplicate delivery inside the batch
    const result = await run(events, { maxEventsPerTransaction: 50, handle: async () => {} });
    expect(result.applied).toEqual([...new Set(events.map((e) => e.id))]);
    expect(result.transactions).toBeLessThanOrEqual(2); // one, unless the fetch split them
  });

  it('applies each event of a failed batch on its own, with its retries', async () => {
    const events = Array.from({ length: 6 }, () => cancelled());
    const failOnce = new Set([events[3]!.id]);
    const result = await run(events, {
      maxEventsPerTransaction: 50,
      handle: async (event) => {
        if (failOnce.delete(event.id)) throw new Error('fails its first attempt');
      },
    });
    expect(result.applied).toEqual(events.map((e) => e.id));
  });
});
