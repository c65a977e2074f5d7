import type pg from 'pg';
import type { SqlClient } from '@switchyard/messaging';

/**
 * Run `work` in one transaction on a connection of the pool: BEGIN, work, COMMIT, or ROLLBACK
 * on any error (and the error rethrown). For the hot write path (placement), where the ORM's
 * per-statement cost was most of the service's CPU (docs/benchmarks.md, checkout).
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

/** The raw-SQL slice messaging needs (enqueueEvent), over a node-postgres connection. */
export function sqlClientOf(client: pg.ClientBase): SqlClient {
  return {
    async $executeRawUnsafe(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rowCount ?? 0;
    },
    async $queryRawUnsafe<T>(query: string, ...values: unknown[]) {
      return (await client.query(query, values)).rows as T;
    },
  };
}
