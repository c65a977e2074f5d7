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

/**
 * Run one pass of `job` under its lease, or do nothing when another replica holds it. The lease
 * is renewed every third of its length while the pass runs, so a long pass never outlives it;
 * if a renewal finds the lease gone (this replica stalled past it), the pass is told to stop
 * through `signal` before another replica can be working the same items.
 */
export async function runWithLease(
  db: Db,
  options: { job: string; holder: string; seconds: number },
  run: (signal: AbortSignal) => Promise<void>,
): Promise<boolean> {
  const { job, holder, seconds } = options;
  if (!(await takeJobLease(db, job, holder, seconds))) return false;
  const lost = new AbortController();
  const renewal = setInterval(
    () => {
      takeJobLease(db, job, holder, seconds)
        .then((kept) => {
          if (!kept) lost.abort(new Error(`lease on ${job} lost`));
        })
        .catch(() => {}); // a failed renewal is retried at the next tick; the lease still runs
    },
    (seconds * 1000) / 3,
  );
  try {
    await run(lost.signal);
  } finally {
    clearInterval(renewal);
    if (!lost.signal.aborted) await releaseJobLease(db, job, holder);
  }
  return true;
}
