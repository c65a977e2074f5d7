import pg from 'pg';

/**
 * Run `renew` (which moves billing's clock and sweeps) with billing's outbox locked, so every
 * renewal it starts stops half-way — subscription row locked, charge row written, its
 * billing.charge_requested not yet — then call `kill` while they wait, and let go. The killed
 * replica's renewal dies with it (rolled back, its pg-boss job left active); the others finish.
 * Returns how many renewals were waiting at the kill (0: none was caught in time).
 */
export async function killMidRenewal(
  billingDb: string,
  renew: () => Promise<void>,
  kill: () => Promise<void>,
): Promise<number> {
  const holder = new pg.Client({ connectionString: billingDb });
  const watcher = new pg.Client({ connectionString: billingDb });
  await Promise.all([holder.connect(), watcher.connect()]);
  try {
    await holder.query('BEGIN');
    // EXCLUSIVE: reads go on, every insert into the outbox waits for this transaction.
    await holder.query('LOCK TABLE outbox_events IN EXCLUSIVE MODE');
    const [holderPid] = (await holder.query<{ pid: number }>('SELECT pg_backend_pid() AS pid'))
      .rows;
    let waiting = 0;
    try {
      await renew();
      const deadline = Date.now() + 5_000;
      while (Date.now() < deadline) {
        const { rows } = await watcher.query<{ n: number }>(
          'SELECT count(*)::int AS n FROM pg_stat_activity WHERE $1 = ANY(pg_blocking_pids(pid))',
          [holderPid!.pid],
        );
        waiting = rows[0]!.n;
        if (waiting > 0) break;
        await new Promise((resolve) => setTimeout(resolve, 10));
      }
      await kill();
    } finally {
      await holder.query('ROLLBACK');
    }
    return waiting;
  } finally {
    await Promise.all([holder.end(), watcher.end()]);
  }
}
