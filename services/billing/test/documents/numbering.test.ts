import path from 'node:path';
import { prepareTestDatabase, queryDb } from '@switchyard/testing';
import { createDb, type Db } from '../../src/db.js';
import { formatDocumentNumber, takeNextNumber } from '../../src/documents/numbering.js';
import { serviceDir } from '../support.js';

class RolledBackOnPurpose extends Error {}

describe('takeNextNumber', () => {
  let databaseUrl: string;
  let db: Db;

  beforeAll(async () => {
    databaseUrl = await prepareTestDatabase('billing', path.join(serviceDir, 'prisma/migrations'));
    db = createDb(databaseUrl, { DB_POOL_MAX: 24 });
  });
  afterAll(async () => {
    await db.$disconnect();
  });

  it('formats series, year and a six-digit sequence', () => {
    expect(formatDocumentNumber('INV', 2026, 1)).toBe('INV-2026-000001');
    expect(formatDocumentNumber('CN', 2027, 1234567)).toBe('CN-2027-1234567');
  });

  it('counts each series and year on its own', async () => {
    const take = (series: string, year: number) =>
      db.$transaction((tx) => takeNextNumber(tx, series, year));
    expect((await take('SEPA', 2026)).number).toBe('SEPA-2026-000001');
    expect((await take('SEPA', 2026)).number).toBe('SEPA-2026-000002');
    expect((await take('SEPA', 2027)).number).toBe('SEPA-2027-000001');
    expect((await take('SEPB', 2026)).seq).toBe(1);
  });

  it('gives committed documents 1..k without gap or duplicate while concurrent issues roll back', async () => {
    const attempts = 20;
    const rollBack = new Set([1, 4, 7, 8, 13, 19]);
    const outcomes = await Promise.allSettled(
      Array.from({ length: attempts }, (_, i) =>
        db.$transaction(
          async (tx) => {
            const taken = await takeNextNumber(tx, 'GAP', 2026);
            // Hold the number a moment, as issuing does while it renders and stores the PDF.
            await tx.$executeRawUnsafe(`SELECT pg_sleep(${(i % 5) * 0.005})`);
            if (rollBack.has(i)) throw new RolledBackOnPurpose();
            return taken.seq;
          },
          { timeout: 30_000, maxWait: 30_000 },
        ),
      ),
    );
    const committed = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    const failures = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
    expect(failures.filter((reason) => !(reason instanceof RolledBackOnPurpose))).toEqual([]);
    expect(failures).toHaveLength(rollBack.size);
    const k = attempts - rollBack.size;
    expect([...committed].sort((a, b) => a - b)).toEqual(
      Array.from({ length: k }, (_, i) => i + 1),
    );
    const [counter] = await queryDb<{ last_seq: number }>(
      databaseUrl,
      `SELECT last_seq FROM document_counters WHERE series = 'GAP' AND year = 2026`,
    );
    expect(counter!.last_seq).toBe(k);
  });
});
