// The trail on a real PostgreSQL: entries chained per stream inside the caller's transaction,
// concurrent writers serialised, tampering found and named, purges that keep the chain whole.
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import {
  GENESIS_HASH,
  listAuditEvents,
  purgeAuditEvents,
  recordAuditEvent,
  verifyAuditChain,
  type AuditDb,
  type AuditEntry,
} from '../src/index.js';
import { auditTestDatabase, pgAuditDb } from './support/pg-audit-db.js';

describe('the audit trail', () => {
  let pool: pg.Pool;
  let db: AuditDb;
  beforeAll(async () => {
    pool = new pg.Pool({ connectionString: await auditTestDatabase(), max: 10 });
    db = pgAuditDb(pool);
  });
  afterAll(async () => {
    await pool.end();
  });

  const newStream = () => `test-${randomUUID().slice(0, 8)}`;
  const entry = (stream: string, n: number, extra: Partial<AuditEntry> = {}): AuditEntry => ({
    stream,
    action: 'user.role_granted',
    actor: { type: 'admin', id: 'admin-1' },
    target: { type: 'user', id: `user-${n}` },
    changes: { roles: { before: ['customer'], after: ['customer', 'admin'] } },
    ip: '203.0.113.7',
    userAgent: 'jest',
    requestId: `req-${n}`,
    ...extra,
  });
  const record = (e: AuditEntry) => db.$transaction((tx) => recordAuditEvent(tx, e));
  async function streamOf(size: number) {
    const stream = newStream();
    for (let n = 1; n <= size; n++) await record(entry(stream, n));
    return stream;
  }
  const rows = (stream: string) =>
    pool
      .query(
        'SELECT id, seq::int AS seq, prev_hash, hash FROM audit_events WHERE stream = $1 ORDER BY seq',
        [stream],
      )
      .then((r) => r.rows);
  const verify = async (stream: string) => (await verifyAuditChain(db, { stream }))[0]!;

  describe('recording', () => {
    it('numbers a stream’s entries 1, 2, 3 and links each to the hash of the one before', async () => {
      const stream = await streamOf(3);
      const stored = await rows(stream);
      expect(stored.map((r) => r.seq)).toEqual([1, 2, 3]);
      expect(stored[0].prev_hash).toBe(GENESIS_HASH);
      expect(stored[1].prev_hash).toBe(stored[0].hash);
      expect(stored[2].prev_hash).toBe(stored[1].hash);
      expect(await verify(stream)).toMatchObject({
        stream,
        checked: 3,
        head: { seq: '3', hash: stored[2].hash },
        broken: null,
      });
    });

    it('keeps nothing of a transaction that rolls back after the entry was written', async () => {
      const stream = await streamOf(1);
      await expect(
        db.$transaction(async (tx) => {
          await recordAuditEvent(tx, entry(stream, 2));
          throw new Error('the action failed after its entry was written');
        }),
      ).rejects.toThrow('the action failed');
      expect((await rows(stream)).map((r) => r.seq)).toEqual([1]);
      // The head did not move: the next entry takes seq 2, and the chain holds.
      await record(entry(stream, 3));
      expect((await rows(stream)).map((r) => r.seq)).toEqual([1, 2]);
      expect((await verify(stream)).broken).toBeNull();
    });

    it('never forks a stream under concurrent writers, also on its very first entry', async () => {
      const stream = newStream();
      // Each transaction holds on a little after its entry, as an action's would.
      await Promise.all(
        Array.from({ length: 40 }, (_, i) =>
          db.$transaction(async (tx) => {
            await recordAuditEvent(tx, entry(stream, i));
            await new Promise((resolve) => setTimeout(resolve, 5));
          }),
        ),
      );
      const stored = await rows(stream);
      expect(stored.map((r) => r.seq)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
      expect(new Set(stored.map((r) => r.prev_hash)).size).toBe(40);
      expect(await verify(stream)).toMatchObject({ checked: 40, broken: null });
    });

    it('keeps separate streams apart, each a chain of its own', async () => {
      const [a, b] = [newStream(), newStream()];
      await Promise.all([record(entry(a, 1)), record(entry(b, 1)), record(entry(a, 2))]);
      expect((await rows(a)).map((r) => r.seq)).toEqual([1, 2]);
      expect((await rows(b)).map((r) => r.seq)).toEqual([1]);
      const all = await verifyAuditChain(db);
      expect(all.filter((r) => r.stream === a || r.stream === b)).toHaveLength(2);
      expect(all.every((r) => r.broken === null)).toBe(true);
    });

    it('stores a secret-named field’s value as [redacted], and never its value', async () => {
      const stream = newStream();
      await record(
        entry(stream, 1, {
          details: { clientSecret: 'sec_do-not-store', scopes: ['orders:read'] },
        }),
      );
      const [row] = (
        await pool.query('SELECT details::text AS details FROM audit_events WHERE stream = $1', [
          stream,
        ])
      ).rows;
      expect(JSON.parse(row.details)).toEqual({
        clientSecret: '[redacted]',
        scopes: ['orders:read'],
      });
      expect((await verify(stream)).broken).toBeNull();
    });
  });

  describe('verification names the first broken link', () => {
    it('after an entry’s content is changed', async () => {
      const stream = await streamOf(5);
      const stored = await rows(stream);
      await pool.query(
        `UPDATE audit_events SET action = 'user.role_revoked' WHERE stream = $1 AND seq = 3`,
        [stream],
      );
      expect(await verify(stream)).toMatchObject({
        checked: 2,
        broken: { seq: '3', id: stored[2].id, problem: expect.stringContaining('altered') },
      });
    });

    it('after a change of a JSON field, or of the time, by the least amount', async () => {
      const stream = await streamOf(3);
      await pool.query(
        `UPDATE audit_events SET occurred_at = occurred_at + interval '1 millisecond'
          WHERE stream = $1 AND seq = 2`,
        [stream],
      );
      expect((await verify(stream)).broken).toMatchObject({ seq: '2' });
      const other = await streamOf(3);
      await pool.query(
        `UPDATE audit_events SET changes = '{"roles":{"before":["customer"],"after":["customer"]}}'
          WHERE stream = $1 AND seq = 1`,
        [other],
      );
      expect((await verify(other)).broken).toMatchObject({ seq: '1' });
    });

    it('after an entry in the middle is deleted', async () => {
      const stream = await streamOf(5);
      await pool.query('DELETE FROM audit_events WHERE stream = $1 AND seq = 3', [stream]);
      expect(await verify(stream)).toMatchObject({
        checked: 2,
        broken: { seq: '3', id: null, problem: expect.stringContaining('entry 3 is missing') },
      });
    });

    it('after two entries swap places', async () => {
      const stream = await streamOf(5);
      const stored = await rows(stream);
      for (const [from, to] of [
        [2, 1000],
        [3, 2],
        [1000, 3],
      ])
        await pool.query('UPDATE audit_events SET seq = $3 WHERE stream = $1 AND seq = $2', [
          stream,
          from,
          to,
        ]);
      expect(await verify(stream)).toMatchObject({
        checked: 1,
        // At seq 2 now stands what was entry 3: it follows entry 2, not entry 1.
        broken: { seq: '2', id: stored[2].id, problem: expect.stringContaining('does not follow') },
      });
    });

    it('after the last entries are deleted', async () => {
      const stream = await streamOf(5);
      await pool.query('DELETE FROM audit_events WHERE stream = $1 AND seq >= 4', [stream]);
      expect(await verify(stream)).toMatchObject({
        checked: 3,
        broken: { seq: '4', id: null, problem: expect.stringContaining('4 to 5 are missing') },
      });
    });

    it('after an entry is replaced by one that hashes right but links wrong', async () => {
      const stream = await streamOf(3);
      const forger = newStream();
      await record(entry(forger, 9));
      // A well-formed entry of another chain moved in at seq 2 (its hash covers its own place).
      await pool.query('DELETE FROM audit_events WHERE stream = $1 AND seq = 2', [stream]);
      await pool.query(
        `UPDATE audit_events SET stream = $1, seq = 2 WHERE stream = $2 AND seq = 1`,
        [stream, forger],
      );
      expect((await verify(stream)).broken).toMatchObject({ seq: '2' });
    });
  });

  describe('purge', () => {
    async function streamAcross(cutoffAfter: number, total: number) {
      const stream = newStream();
      let cutoff = new Date();
      for (let n = 1; n <= total; n++) {
        await record(entry(stream, n));
        if (n === cutoffAfter) {
          await new Promise((resolve) => setTimeout(resolve, 20));
          cutoff = new Date();
          await new Promise((resolve) => setTimeout(resolve, 20));
        }
      }
      return { stream, cutoff };
    }

    it('deletes the old entries and anchors verification at the last one deleted', async () => {
      const { stream, cutoff } = await streamAcross(3, 5);
      const before = await rows(stream);
      const purged = await purgeAuditEvents(db, { before: cutoff, batchSize: 2 });
      expect(purged).toBeGreaterThanOrEqual(3);
      expect((await rows(stream)).map((r) => r.seq)).toEqual([4, 5]);
      expect(await verify(stream)).toMatchObject({
        anchor: { seq: '3', hash: before[2].hash },
        checked: 2,
        broken: null,
      });
      // The chain goes on from its head, and tampering after a purge is still found.
      await record(entry(stream, 6));
      expect(await verify(stream)).toMatchObject({ checked: 3, broken: null });
      await pool.query('DELETE FROM audit_events WHERE stream = $1 AND seq = 4', [stream]);
      expect((await verify(stream)).broken).toMatchObject({ seq: '4', id: null });
    });

    it('may empty a stream, which then goes on from its anchor', async () => {
      const stream = await streamOf(2);
      await purgeAuditEvents(db, { before: new Date(Date.now() + 1000) });
      expect(await rows(stream)).toEqual([]);
      expect(await verify(stream)).toMatchObject({
        anchor: { seq: '2' },
        checked: 0,
        broken: null,
      });
      await record(entry(stream, 3));
      expect((await rows(stream)).map((r) => r.seq)).toEqual([3]);
      expect((await verify(stream)).broken).toBeNull();
    });

    it('runs beside writers and a verification without breaking either', async () => {
      const stream = await streamOf(30);
      const writes = Promise.all(
        Array.from({ length: 20 }, (_, i) => record(entry(stream, 100 + i))),
      );
      const [, purged, verified] = await Promise.all([
        writes,
        purgeAuditEvents(db, { before: new Date(Date.now() + 1000), batchSize: 5 }),
        verify(stream),
      ]);
      expect(purged).toBeGreaterThan(0);
      expect(verified.broken).toBeNull();
      expect((await verify(stream)).broken).toBeNull();
    });
  });

  describe('search', () => {
    it('filters by actor, action, target and time, newest first, a page at a time', async () => {
      const stream = newStream();
      const start = new Date();
      const target = { type: 'user', id: randomUUID() };
      await record(entry(stream, 1, { target, action: 'user.disabled' }));
      await record(entry(stream, 2, { target, actor: { type: 'admin', id: 'admin-2' } }));
      await record(entry(stream, 3, { target }));
      await record(entry(stream, 4));
      const first = await listAuditEvents(db, {
        targetType: 'user',
        targetId: target.id,
        from: start,
        limit: 2,
      });
      expect(first.items.map((e) => e.seq)).toEqual(['3', '2']);
      expect(first.nextCursor).toEqual(expect.any(String));
      const second = await listAuditEvents(db, {
        targetType: 'user',
        targetId: target.id,
        limit: 2,
        cursor: first.nextCursor!,
      });
      expect(second.items.map((e) => e.seq)).toEqual(['1']);
      expect(second.nextCursor).toBeNull();
      const byActor = await listAuditEvents(db, {
        actorId: 'admin-2',
        targetId: target.id,
        limit: 10,
      });
      expect(byActor.items.map((e) => e.seq)).toEqual(['2']);
      const byAction = await listAuditEvents(db, {
        action: 'user.disabled',
        targetId: target.id,
        limit: 10,
      });
      expect(byAction.items).toHaveLength(1);
      expect(byAction.items[0]).toMatchObject({
        action: 'user.disabled',
        actor: { type: 'admin', id: 'admin-1' },
        target,
        ip: '203.0.113.7',
        userAgent: 'jest',
        requestId: 'req-1',
      });
      const none = await listAuditEvents(db, { targetId: target.id, to: start, limit: 10 });
      expect(none.items).toEqual([]);
    });

    it('refuses a cursor it did not issue', async () => {
      await expect(listAuditEvents(db, { limit: 10, cursor: 'bm90LWEtY3Vyc29y' })).rejects.toThrow(
        'cursor is not valid',
      );
    });
  });
});
