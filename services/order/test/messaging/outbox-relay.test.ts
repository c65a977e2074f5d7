import { randomUUID } from 'node:crypto';
import net from 'node:net';
import path from 'node:path';
import { createEvent, Topics } from '@switchyard/contracts';
import { enqueueEvent, OutboxRelay } from '@switchyard/messaging';
import {
  parseMessage,
  queryDb,
  readTopic,
  setupServiceTest,
  testKafka,
  testKafkaBrokers,
  waitFor,
  type ServiceTestContext,
} from '@switchyard/testing';
import { Kafka, logLevel, type ISocketFactory } from 'kafkajs';
import { pino } from 'pino';
import client from 'prom-client';
import { createDb, type Db } from '../../src/db.js';
import { serviceDir, startOrderService } from '../support.js';

/**
 * Two replicas of the service, each with its relay, publish from one outbox. While replica A
 * is sending an order's first event (stalled on the wire, as a slow broker or a GC pause
 * stalls it), the order's next event is committed and replica B runs a pass: B must not
 * publish it ahead of the first. The relays are the real ones, the outbox the service's real
 * table, the order checked where it matters: at a Kafka consumer.
 */
describe('outbox relay replicas', () => {
  let ctx: ServiceTestContext;
  let db: Db;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    ctx = await setupServiceTest({
      service: 'order',
      migrationsDir: path.join(serviceDir, 'prisma/migrations'),
    });
    db = createDb(ctx.databaseUrl);
  });
  afterAll(async () => {
    for (const relay of relays) await relay.stop(1_000);
    await db.$disconnect();
    await ctx.teardown();
  });

  const replica = (kafka: Kafka) => {
    const relay = new OutboxRelay({
      db,
      kafka,
      logger: pino({ level: process.env.RELAY_LOG ?? 'silent' }),
      service: 'order',
      registry: new client.Registry(),
      topicNamespace: ctx.namespace,
      pollIntervalMs: 50,
    });
    relays.push(relay);
    return relay;
  };
  const cancelled = (orderId: string) =>
    createEvent('order.cancelled', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId: randomUUID(), reason: 'test' },
    });
  const enqueue = (event: ReturnType<typeof cancelled>) =>
    db.$transaction((tx) => enqueueEvent(tx, event));
  const firstOnTopic = async (key: string, count = 1) =>
    readTopic(ctx.namespace + Topics.orders, (m) => m.key?.toString() === key, { count });
  /** Sessions waiting for a lock while reading the outbox (a relay blocked behind another). */
  const outboxReadersWaiting = async () =>
    (
      await queryDb<{ n: number }>(
        ctx.databaseUrl,
        `SELECT count(*)::int AS n FROM pg_stat_activity
          WHERE datname = current_database() AND wait_event_type = 'Lock'
            AND query LIKE '%FROM outbox_events%'`,
      )
    )[0]!.n;

  it('publishes an order’s events in order while another replica is still sending the earlier one', async () => {
    const wire = stallableWire();
    const replicaA = replica(
      new Kafka({
        clientId: 'replica-a',
        brokers: testKafkaBrokers(),
        socketFactory: wire.socketFactory,
        logLevel: logLevel.NOTHING,
      }),
    );
    const replicaB = replica(testKafka('replica-b'));

    // A is connected and knows the topic (a first event of another order went through it).
    const warmUp = cancelled(randomUUID());
    await enqueue(warmUp);
    replicaA.start();
    await firstOnTopic(warmUp.subject);

    // A picks the order's first event up and stalls sending it.
    wire.stall();
    const orderId = randomUUID();
    const first = cancelled(orderId);
    await enqueue(first);
    replicaA.nudge();
    await waitFor(async () => wire.held() > 0, { what: 'replica A stalled sending' });

    // The order's next event is committed, and B runs a pass while A is still sending: it
    // either finds another replica publishing or waits behind it, but never goes first.
    const second = cancelled(orderId);
    await enqueue(second);
    let passDone = false;
    const pass = replicaB.flush().then(() => {
      passDone = true;
    });
    await waitFor(async () => passDone || (await outboxReadersWaiting()) > 0, {
      what: "replica B's pass done, or blocked behind A",
    });
    wire.release();
    await pass;
    replicaB.start();

    const messages = await firstOnTopic(orderId, 2);
    expect(messages.map((m) => parseMessage(m).id)).toEqual([first.id, second.id]);
  });
});

/**
 * Kafka connections whose writes the test can hold (and later let through in order): the
 * client and the broker are real, the wire between them is slow.
 */
function stallableWire() {
  let stalled = false;
  const held: (() => void)[] = [];
  const socketFactory: ISocketFactory = ({ host, port, onConnect }) => {
    const socket = net.connect({ host, port }, onConnect);
    const write = socket.write.bind(socket) as (...args: unknown[]) => boolean;
    socket.write = ((...args: unknown[]) => {
      if (!stalled) return write(...args);
      held.push(() => write(...args));
      return true;
    }) as typeof socket.write;
    return socket;
  };
  return {
    socketFactory,
    stall: () => {
      stalled = true;
    },
    held: () => held.length,
    release: () => {
      stalled = false;
      for (const send of held.splice(0)) send();
    },
  };
}

/** The relay's other duties against the order service's real database and the real broker. */
describe('outbox relay', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  let db: Db;
  const relays: OutboxRelay[] = [];

  beforeAll(async () => {
    service = await startOrderService();
    // The service's own relay is one replica; the test adds a second one below.
    db = createDb(service.ctx.databaseUrl);
  });
  afterAll(async () => {
    for (const relay of relays) await relay.stop(1_000);
    await db.$disconnect();
    await service.close();
  });

  // Every relay the test starts reports here (each is one more replica).
  const registry = new client.Registry();
  const newRelay = () => {
    const relay = new OutboxRelay({
      db,
      kafka: testKafka('second-replica'),
      logger: pino({ level: process.env.RELAY_LOG ?? 'silent' }),
      service: 'order',
      registry,
      topicNamespace: service.ctx.namespace,
      pollIntervalMs: 50,
    });
    relays.push(relay);
    return relay;
  };

  const cancelled = (orderId: string) =>
    createEvent('order.cancelled', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId: randomUUID(), reason: 'test' },
    });

  it('parks a row Kafka refuses, so the rows behind it are published', async () => {
    // Bigger than the broker's message.max.bytes (1 MiB): Kafka refuses it every time.
    const tooLarge = createEvent('order.cancelled', {
      source: 'order',
      subject: randomUUID(),
      data: { orderId: randomUUID(), userId: randomUUID(), reason: 'x'.repeat(1_200_000) },
    });
    const next = cancelled(randomUUID());
    await db.$transaction(async (tx) => {
      await enqueueEvent(tx, tooLarge);
      await enqueueEvent(tx, next);
    });
    newRelay().start();

    await readTopic(
      service.ctx.namespace + Topics.orders,
      (m) => m.key?.toString() === next.subject,
      { count: 1 },
    );
    await waitFor(
      async () => {
        const [row] = await queryDb<{ parked_at: Date | null; attempts: number }>(
          service.ctx.databaseUrl,
          'SELECT parked_at, attempts FROM outbox_events WHERE id = $1',
          [tooLarge.id],
        );
        return row?.parked_at !== null;
      },
      { what: 'the refused row parked' },
    );
    const [row] = await queryDb<{ attempts: number; last_error: string }>(
      service.ctx.databaseUrl,
      'SELECT attempts, last_error FROM outbox_events WHERE id = $1',
      [tooLarge.id],
    );
    expect(row!.attempts).toBe(5);
    expect(row!.last_error).toMatch(/max message size/i);
    // Any replica may have parked it; each exports what it did and what the table holds.
    const metrics = (await registry.metrics()) + (await service.app.inject('/metrics')).body;
    const parkedCounts = [
      ...metrics.matchAll(/outbox_events_parked_total\{topic="switchyard.orders.v1"\} (\d+)/g),
    ];
    expect(parkedCounts.reduce((sum, m) => sum + Number(m[1]), 0)).toBe(1);
    await waitFor(
      async () => /outbox_parked_rows [1-9]/.test((await service.app.inject('/metrics')).body),
      { what: 'the parked row in the gauge' },
    );
    expect(metrics).toMatch(/outbox_oldest_pending_age_seconds \d/);
  });

  it('deletes published rows once they are older than the retention, and only those', async () => {
    const old = cancelled(randomUUID());
    const recent = cancelled(randomUUID());
    await db.$transaction(async (tx) => {
      await enqueueEvent(tx, old);
      await enqueueEvent(tx, recent);
    });
    await db.$executeRawUnsafe(
      `UPDATE outbox_events SET published_at = now() - interval '8 days' WHERE id = $1::uuid`,
      old.id,
    );
    newRelay().start(); // a new relay prunes on its first pass (retention: 7 days)
    await waitFor(
      async () =>
        (
          await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM outbox_events WHERE id = $1', [
            old.id,
          ])
        ).length === 0,
      { what: 'the old published row pruned' },
    );
    const [kept] = await queryDb<{ published_at: Date | null }>(
      service.ctx.databaseUrl,
      'SELECT published_at FROM outbox_events WHERE id = $1',
      [recent.id],
    );
    expect(kept).toBeDefined();
  });
});
