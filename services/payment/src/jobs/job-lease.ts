import type { Db } from '../db.js';

/**
 * Take the lease on a periodic job for `seconds` unless another replica holds it: one row per
 * job, taken with a single conditional upsert, so exactly one replica runs it at a time and a
 * replica that dies only blocks the job until its lease runs out.
 */
export async function takeJobLease(
  db: Db,
  job: string,
  holder: string,
  seconds: number,
): Promise<boolean> {
  const taken = await db.$queryRaw<{ name: string }[]>`
    INSERT INTO job_leases (name, holder, lease_until)
    VALUES (${job}, ${holder}, now() + make_interval(secs => ${seconds}))
    ON CONFLICT (name) DO UPDATE
      SET holder = EXCLUDED.holder, lease_until = EXCLUDED.lease_until
      WHERE job_leases.lease_until < now() OR job_leases.holder = EXCLUDED.holder
    RETURNING name`;
  return taken.length === 1;
}

export async function releaseJobLease(db: Db, job: string, holder: string): Promise<void> {
  await db.jobLease.deleteMany({ where: { name: job, holder } });
}
