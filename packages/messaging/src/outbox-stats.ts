import type { SqlClient } from './sql-client.js';

/** What waits in a service's outbox now: rows not yet on Kafka, and how old the oldest is. */
export interface OutboxStats {
  /** Rows the relay has still to publish (parked rows not counted). */
  pending: number;
  /** Age of the oldest of them in seconds; 0 when none waits. */
  oldestAgeSeconds: number;
  /** Rows Kafka kept refusing, set aside for an operator. */
  parked: number;
}

/** One query over the outbox: the gauges and the admin status endpoint both read it. */
export async function readOutboxStats(db: SqlClient): Promise<OutboxStats> {
  const [stats] = await db.$queryRawUnsafe<
    { oldest_seconds: number | null; pending: number; parked: number }[]
  >(
    `SELECT EXTRACT(EPOCH FROM now() - min(created_at) FILTER (WHERE parked_at IS NULL))::float8 AS oldest_seconds,
            count(*) FILTER (WHERE parked_at IS NULL)::int AS pending,
            count(*) FILTER (WHERE parked_at IS NOT NULL)::int AS parked
       FROM outbox_events WHERE published_at IS NULL`,
  );
  return {
    pending: stats?.pending ?? 0,
    oldestAgeSeconds: Math.max(0, stats?.oldest_seconds ?? 0),
    parked: stats?.parked ?? 0,
  };
}
