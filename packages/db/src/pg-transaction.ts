import type pg from 'pg';

/**
 * Run `work` in one transaction on a connection of the pool: BEGIN, work, COMMIT, or ROLLBACK
 * on any error (and the error rethrown). For the hot paths written in plain SQL instead of the
 * ORM, whose per-statement cost was most of their CPU (docs/decisions/0013: the order service's
 * placement, the payment service's charge).
 */
export async function inPgTransaction<T>(
  pool: pg.Pool,
  work: (client: pg.PoolClient) => Promise<T>,
): Promise<T> {
  const client = await pool.connect();
  let broken: unknown;
  try {
    await client.query('BEGIN');
    const result = await work(client);
    await client.query('COMMIT');
    return result;
  } catch (error) {
    await client.query('ROLLBACK').catch((rollbackError: unknown) => {
      broken = rollbackError; // the connection is unusable: do not give it back to the pool
    });
    throw error;
  } finally {
    client.release(broken instanceof Error ? broken : undefined);
  }
}
