import { randomUUID } from 'node:crypto';
import { createEvent, Topics } from '@switchyard/contracts';
import { enqueueEvent, OutboxRelay } from '@switchyard/messaging';
import { parseMessage, queryDb, readTopic, testKafka, waitFor } from '@switchyard/testing';
import pg from 'pg';
import { pino } from 'pino';
import client from 'prom-client';
import { createDb, type Db } from '../../src/db.js';
import { startOrderService } from '../support.js';

/**
 * The outbox relay against the order service's real database and the real broker, with two
 * relays standing for two replicas of the service.
 */
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

  it('keeps one order’s events in order while another replica still holds the earlier row', async () => {
    const orderId = randomUUID();
    const first = cancelled(orderId);
    const second = cancelled(orderId);
    await db.$transaction(async (tx) => {
      await enqueueEvent(tx, first);
      await enqueueEvent(tx, second);
    });
    // Replica A has claimed the first row and is still talking to Kafka (its lock is held).
    const replicaA = new pg.Client({ connectionString: service.ctx.databaseUrl });
    await replicaA.connect();
    await replicaA.query('BEGIN');
    await replicaA.query('SELECT 1 FROM outbox_events WHERE id = $1 FOR UPDATE', [first.id]);
    newRelay().start();
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await replicaA.query('ROLLBACK');
    await replicaA.end();

    const messages = await readTopic(
      service.ctx.namespace + Topics.orders,
      (m) => m.key?.toString() === orderId,
      { count: 2 },
    );
    expect(messages.map((m) => parseMessage(m).id)).toEqual([first.id, second.id]);
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
