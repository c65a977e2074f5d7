import { pino } from 'pino';
import type { Kafka } from 'kafkajs';
import { OutboxRelay } from '../src/outbox-relay.js';
import type { TransactionalSqlClient } from '../src/sql-client.js';

/**
 * The relay's wake-up logic on its own (pure scheduling: the database and the broker are
 * stand-ins here; the relay against real PostgreSQL and Kafka is tested in services/order).
 * A nudge that arrives while a pass is running must not be lost: the row it announces would
 * otherwise wait for the next poll.
 */
describe('outbox relay wake-up', () => {
  interface Row {
    id: string;
    topic: string;
    message_key: string;
    headers: Record<string, string>;
    payload: string;
    attempts: number;
    created_ms: number;
  }

  function standIns() {
    const pending: Row[] = [];
    const sent: string[] = [];
    let onSelect: () => Promise<void> = async () => {};
    const tx = {
      async $queryRawUnsafe(sql: string) {
        if (sql.includes('pg_try_advisory_xact_lock')) return [{ leader: true }];
        if (sql.includes('FROM outbox_events') && sql.includes('FOR UPDATE')) {
          const rows = [...pending];
          await onSelect();
          return rows;
        }
        return [{ oldest_seconds: 0, parked: 0 }];
      },
      async $executeRawUnsafe(_sql: string, ids: unknown) {
        if (!Array.isArray(ids)) return 0; // pruning: nothing to prune here
        for (const id of ids) {
          const at = pending.findIndex((r) => r.id === id);
          if (at >= 0) pending.splice(at, 1);
        }
        return 0;
      },
    };
    const db = {
      ...tx,
      $transaction: async <T>(fn: (t: typeof tx) => Promise<T>) => fn(tx),
    } as unknown as TransactionalSqlClient;
    const producer = {
      events: { DISCONNECT: 'producer.disconnect' },
      on: () => () => {},
      connect: async () => {},
      disconnect: async () => {},
      sendBatch: async (batch: { topicMessages: { messages: { key: string }[] }[] }) => {
        for (const t of batch.topicMessages) for (const m of t.messages) sent.push(m.key);
        return [];
      },
    };
    const kafka = { producer: () => producer } as unknown as Kafka;
    const row = (id: string): Row => ({
      id,
      topic: 'orders',
      message_key: id,
      headers: {},
      payload: '{}',
      attempts: 0,
      created_ms: Date.now(),
    });
    return {
      db,
      kafka,
      pending,
      sent,
      row,
      setOnSelect: (f: () => Promise<void>) => (onSelect = f),
    };
  }

  it('runs another pass when nudged during a pass, instead of waiting for the next poll', async () => {
    const s = standIns();
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000, // a lost nudge would wait a minute
    });
    // The first pass finds the outbox empty; while it is still running, a transaction commits
    // a row and nudges the relay.
    let nudgedDuringPass = false;
    s.setOnSelect(async () => {
      if (nudgedDuringPass) return;
      nudgedDuringPass = true;
      s.pending.push(s.row('committed-during-a-pass'));
      relay.nudge();
    });
    relay.start();
    const deadline = Date.now() + 5_000;
    while (!s.sent.includes('committed-during-a-pass') && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 10));
    const sentBeforeStop = [...s.sent];
    await relay.stop(100);
    expect(nudgedDuringPass).toBe(true);
    expect(sentBeforeStop).toContain('committed-during-a-pass');
  });
});
