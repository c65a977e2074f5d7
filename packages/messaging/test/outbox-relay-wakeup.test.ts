import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { Kafka } from 'kafkajs';
import { OutboxRelay } from '../src/outbox-relay.js';
import { outboxWrites } from '../src/outbox.js';
import type { TransactionalSqlClient } from '../src/sql-client.js';

/**
 * The relay's wake-up and statement logic on its own (the database and the broker are
 * stand-ins that record what the relay asks of them; the relay against real PostgreSQL and
 * Kafka is tested in services/order/test/messaging).
 */
describe('outbox relay wake-up', () => {
  interface Row {
    id: string;
    topic: string;
    message_key: string;
    headers: Record<string, string>;
    payload: string;
    created_ms: number;
  }

  function standIns() {
    const pending: Row[] = [];
    const sent: string[] = [];
    /** Every statement, in order, with 'send' where the relay sent to Kafka. */
    const log: string[] = [];
    let transactions = 0;
    let sending = false;
    let statementsWhileSending = 0;
    let onSelect: () => Promise<void> = async () => {};
    const sql = {
      async $queryRawUnsafe(query: string, limit: unknown) {
        if (sending) statementsWhileSending++;
        if (query.includes('FROM outbox_events') && query.includes('ORDER BY seq')) {
          log.push('select');
          const rows = pending.slice(0, Number(limit));
          await onSelect();
          return rows;
        }
        log.push('gauges');
        return [{ oldest_seconds: 0, parked: 0 }];
      },
      async $executeRawUnsafe(query: string, ids: unknown) {
        if (sending) statementsWhileSending++;
        if (!Array.isArray(ids)) {
          log.push('prune');
          return 0;
        }
        log.push(query.trim().split(/\s+/)[0]!.toLowerCase()); // 'update' or 'delete'
        for (const id of ids) {
          const at = pending.findIndex((r) => r.id === id);
          if (at >= 0) pending.splice(at, 1);
        }
        return ids.length;
      },
    };
    const db = {
      ...sql,
      $transaction: async <T>(fn: (t: typeof sql) => Promise<T>) => {
        transactions++;
        return fn(sql);
      },
    } as unknown as TransactionalSqlClient;
    const producer = {
      events: { DISCONNECT: 'producer.disconnect' },
      on: () => () => {},
      connect: async () => {},
      disconnect: async () => {},
      sendBatch: async (batch: { topicMessages: { messages: { key: string }[] }[] }) => {
        sending = true;
        log.push('send');
        await new Promise((resolve) => setTimeout(resolve, 5));
        for (const t of batch.topicMessages) for (const m of t.messages) sent.push(m.key);
        sending = false;
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
      created_ms: Date.now(),
    });
    return {
      db,
      kafka,
      pending,
      sent,
      log,
      row,
      transactions: () => transactions,
      statementsWhileSending: () => statementsWhileSending,
      setOnSelect: (f: () => Promise<void>) => (onSelect = f),
    };
  }

  const until = async (condition: () => boolean) => {
    const deadline = Date.now() + 5_000;
    while (!condition() && Date.now() < deadline)
      await new Promise((resolve) => setTimeout(resolve, 5));
  };
  const settle = () => new Promise((resolve) => setTimeout(resolve, 100));

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
    await until(() => s.sent.includes('committed-during-a-pass'));
    const sentBeforeStop = [...s.sent];
    await relay.stop(100);
    expect(nudgedDuringPass).toBe(true);
    expect(sentBeforeStop).toContain('committed-during-a-pass');
  });

  it('is not woken by a commit that wrote no event', async () => {
    const s = standIns();
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000,
    });
    relay.start();
    await until(() => s.log.includes('select'));
    await settle();
    const before = s.log.length;
    const since = outboxWrites(); // taken before a transaction that enqueues nothing
    relay.nudge(since);
    relay.nudge(since);
    await settle();
    await relay.stop(100);
    expect(s.log.slice(before, before + 1)).toEqual(['select']); // only stop()'s flush
  });

  it('publishes a batch that is not full in one read, one send and one mark, with no transaction', async () => {
    const s = standIns();
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000,
    });
    relay.start();
    await until(() => s.log.includes('select'));
    await settle();
    const before = s.log.length;
    s.pending.push(s.row('a'), s.row('b'));
    relay.nudge();
    relay.nudge(); // coalesces with the first
    await until(() => s.sent.length === 2);
    await settle();
    const pass = s.log.slice(before);
    await relay.stop(100);
    expect(pass).toEqual(['select', 'send', 'update']);
    expect(s.transactions()).toBe(0);
    expect(s.statementsWhileSending()).toBe(0);
  });

  it('goes on after a full batch, and deletes rows on publish when nothing is retained', async () => {
    const s = standIns();
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000,
      batchSize: 2,
      retentionHours: 0,
    });
    relay.start();
    await until(() => s.log.includes('select'));
    await settle();
    const before = s.log.length;
    s.pending.push(s.row('a'), s.row('b'), s.row('c'));
    relay.nudge();
    await until(() => s.sent.length === 3);
    await settle();
    const pass = s.log.slice(before);
    await relay.stop(100);
    expect(s.sent).toEqual(['a', 'b', 'c']);
    expect(pass).toEqual(['select', 'send', 'delete', 'select', 'send', 'delete']);
  });

  it('publishes under a session lock when given a pool, and skips a pass while another replica holds it', async () => {
    const s = standIns();
    let heldElsewhere = true;
    const lockLog: string[] = [];
    const pool = {
      async connect() {
        return {
          async query(text: string, values: unknown[] = []) {
            if (text.includes('pg_try_advisory_lock')) {
              lockLog.push('lock+read');
              if (heldElsewhere) return { rows: [{ leader: false }], rowCount: 1 };
              const rows = s.pending
                .slice(0, Number(values[0]))
                .map((r) => ({ ...r, leader: true }));
              return { rows: rows.length ? rows : [{ leader: true }], rowCount: rows.length };
            }
            if (text.includes('UPDATE outbox_events')) {
              lockLog.push('mark');
              return { rows: [], rowCount: await s.db.$executeRawUnsafe('UPDATE', values[0]) };
            }
            lockLog.push(text.includes('pg_advisory_unlock') ? 'unlock' : 'other');
            return { rows: [], rowCount: 0 };
          },
          release: () => lockLog.push('release'),
          on: () => undefined,
          off: () => undefined,
        };
      },
    };
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000, // only the 'look again shortly' brings the row out
      lockPool: pool,
    });
    s.pending.push(s.row('waits-for-the-lock'));
    relay.start();
    await until(() => lockLog.length >= 2);
    // Nothing read, nothing to let go: the pass ends at once.
    expect(lockLog.slice(0, 2)).toEqual(['lock+read', 'release']);
    heldElsewhere = false;
    await until(() => s.sent.includes('waits-for-the-lock'));
    await relay.stop(100);
    expect(s.sent).toEqual(['waits-for-the-lock']);
    const pass = lockLog.indexOf('mark') - 1; // the pass that had the lock
    // The read takes the lock; it is let go only once the mark has committed.
    expect(lockLog.slice(pass, pass + 4)).toEqual(['lock+read', 'mark', 'unlock', 'release']);
    expect(s.transactions()).toBe(0);
  });

  it("survives its connection ending mid-pass: the pooled client's 'error' event is handled", async () => {
    const s = standIns();
    const failed: Error[] = [];
    const onUncaught = (error: Error) => failed.push(error);
    process.prependListener('uncaughtException', onUncaught);
    let released: boolean | undefined;
    // As node-postgres does when the server ends a checked-out connection: the client emits
    // 'error' from its socket (outside any promise), and its pending query fails.
    const pool = {
      async connect() {
        const client = Object.assign(new EventEmitter(), {
          query: () =>
            new Promise<never>((_, reject) =>
              setImmediate(() => {
                const ended = new Error('terminating connection due to administrator command');
                client.emit('error', ended);
                reject(ended);
              }),
            ),
          release: (destroy?: boolean) => void (released = destroy ?? false),
        });
        return client;
      },
    };
    const relay = new OutboxRelay({
      db: s.db,
      kafka: s.kafka,
      logger: pino({ level: 'silent' }),
      pollIntervalMs: 60_000,
      lockPool: pool,
    });
    s.pending.push(s.row('after-the-outage'));
    relay.start();
    await until(() => released !== undefined);
    await settle();
    await relay.stop(100);
    process.removeListener('uncaughtException', onUncaught);
    expect(failed).toEqual([]);
    // The connection is thrown away, not handed back to the pool.
    expect(released).toBe(true);
  });
});
