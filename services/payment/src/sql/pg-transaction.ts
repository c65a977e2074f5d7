import type pg from 'pg';

/**
 * Run `work` in one transaction on a connection of the pool: BEGIN, work, COMMIT, or ROLLBACK
 * on any error (and the error rethrown). For the charge path every order pays for, where the
 * ORM's per-statement cost was 28 % of the service's CPU (docs/decisions/0013; the order
 * service's placement does the same).
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
