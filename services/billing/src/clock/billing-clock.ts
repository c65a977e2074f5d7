import type { Db } from '../db.js';

/**
 * Billing's notion of now. Renewals, trials and dunning run on days and months; tests cannot
 * wait that long, so with BILLING_TEST_CLOCK a test moves this clock forward (an offset kept in
 * the database, so every replica agrees). Without it, it is the wall clock and the offset is
 * never read.
 */
export class BillingClock {
  constructor(
    private readonly db: Db,
    private readonly movable: boolean,
  ) {}

  get isMovable(): boolean {
    return this.movable;
  }

  async now(): Promise<Date> {
    if (!this.movable) return new Date();
    return new Date(Date.now() + (await this.offsetMs()));
  }

  async offsetMs(): Promise<number> {
    if (!this.movable) return 0;
    // Raw SQL: Prisma batches concurrent findUnique calls into one `IN` query, which its
    // boolean key does not support (concurrent requests failed with a validation error).
    const [row] = await this.db.$queryRaw<{ offset_ms: bigint }[]>`
      SELECT offset_ms FROM test_clock WHERE id`;
    return row ? Number(row.offset_ms) : 0;
  }

  /** Move forward only: time that went back would re-open periods already billed. */
  async advance(byMs: number): Promise<Date> {
    if (!this.movable) throw new Error('the billing clock is not movable (BILLING_TEST_CLOCK)');
    if (!Number.isSafeInteger(byMs) || byMs < 0) throw new Error('the clock only moves forward');
    await this.db.$executeRaw`
      INSERT INTO test_clock (id, offset_ms) VALUES (true, ${byMs})
      ON CONFLICT (id) DO UPDATE SET offset_ms = test_clock.offset_ms + ${byMs}`;
    return this.now();
  }
}
