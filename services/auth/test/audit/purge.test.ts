// Retention: the purge deletes what is past AUDIT_RETENTION_DAYS, oldest first, and moves the
// stream's anchor so that verification still holds; tampering after a purge is still found.
import { purgeExpiredAuditEvents, verifyAuditChain } from '@switchyard/audit';
import { queryDb } from '@switchyard/testing';
import { createDb } from '../../src/db.js';
import { startAuthService } from '../support.js';
import { signUp } from '../support-users.js';

const DAY_MS = 86_400_000;

describe('audit purge', () => {
  let service: Awaited<ReturnType<typeof startAuthService>>;
  let db: ReturnType<typeof createDb>;
  beforeAll(async () => {
    service = await startAuthService({ AUDIT_RETENTION_DAYS: '30' });
    db = createDb(service.ctx.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await service.close();
  });

  const sql = (text: string, values: unknown[] = []) =>
    queryDb(service.ctx.databaseUrl, text, values);
  const seqs = async () =>
    (await sql(`SELECT seq::int AS seq FROM audit_events WHERE stream = 'auth' ORDER BY seq`)).map(
      (r) => r.seq as number,
    );

  it('deletes entries past retention and verification starts from its anchor', async () => {
    for (let i = 0; i < 2; i++) await signUp(service.app, service.ctx.databaseUrl);
    const [old] = await sql(
      `SELECT max(seq)::int AS seq, max(occurred_at) AS at FROM audit_events`,
    );
    const [lastOld] = await sql(`SELECT hash FROM audit_events WHERE seq = $1`, [old!.seq]);
    await new Promise((resolve) => setTimeout(resolve, 20));
    // Thirty days and a little after the old entries, the newer ones still within retention.
    const now = new Date(new Date(old!.at).getTime() + 30 * DAY_MS + 10);
    await signUp(service.app, service.ctx.databaseUrl);
    const kept = (await seqs()).filter((seq) => seq > old!.seq);

    expect(await purgeExpiredAuditEvents(db, { retentionDays: 30, now, batchSize: 2 })).toBe(
      old!.seq,
    );
    expect(await seqs()).toEqual(kept);
    const [auth] = await verifyAuditChain(db);
    expect(auth).toMatchObject({
      anchor: { seq: String(old!.seq), hash: lastOld!.hash },
      checked: kept.length,
      broken: null,
    });
    // Nothing more to purge at the same time; the chain goes on.
    expect(await purgeExpiredAuditEvents(db, { retentionDays: 30, now })).toBe(0);
    await signUp(service.app, service.ctx.databaseUrl);
    expect((await verifyAuditChain(db))[0]!.broken).toBeNull();
  });

  it('still finds the first remaining entry deleted after a purge', async () => {
    const [first] = await sql(`SELECT min(seq)::int AS seq FROM audit_events`);
    await sql(`DELETE FROM audit_events WHERE seq = $1`, [first!.seq]);
    expect((await verifyAuditChain(db))[0]!.broken).toMatchObject({
      seq: String(first!.seq),
      problem: expect.stringContaining('missing'),
    });
  });
});
