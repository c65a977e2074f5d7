import { setTimeout as sleep } from 'node:timers/promises';
import { createDb, type Db } from '../../src/db.js';
import { runWithLease } from '../../src/jobs/job-lease.js';
import { startPaymentService, type PaymentService } from '../support.js';

describe('job leases', () => {
  let service: PaymentService;
  let db: Db;
  beforeAll(async () => {
    service = await startPaymentService();
    db = createDb(service.ctx.databaseUrl);
  });
  afterAll(async () => {
    await db.$disconnect();
    await service.close();
  });

  it('keeps a pass longer than its lease to itself: a second replica never runs it meanwhile', async () => {
    let aRunning = false;
    let bRanDuringA = 0;
    const lease = { job: 'test job', seconds: 1 };
    const replicaA = runWithLease(db, { ...lease, holder: 'replica-a' }, async () => {
      aRunning = true;
      await sleep(3_500); // far longer than the 1 s lease
      aRunning = false;
    });
    // Replica B keeps trying while A's pass runs, as its timer would.
    while (!aRunning) await sleep(20);
    let tries = 0;
    while (aRunning) {
      tries++;
      await runWithLease(db, { ...lease, holder: 'replica-b' }, async () => {
        if (aRunning) bRanDuringA++;
      });
      await sleep(200);
    }
    expect(await replicaA).toBe(true);
    expect(tries).toBeGreaterThan(10);
    expect(bRanDuringA).toBe(0);
  });

  it('lets another replica take over once the holder is gone', async () => {
    const lease = { job: 'abandoned job', seconds: 1 };
    // A replica that died mid-pass: its lease row stays until it runs out.
    await db.$executeRaw`INSERT INTO job_leases (name, holder, lease_until) VALUES (${lease.job}, 'dead', now() + interval '1 second')`;
    expect(await runWithLease(db, { ...lease, holder: 'replica-b' }, async () => {})).toBe(false);
    await sleep(1_100);
    expect(await runWithLease(db, { ...lease, holder: 'replica-b' }, async () => {})).toBe(true);
  });
});
