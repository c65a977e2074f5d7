import type pg from 'pg';
import type { SqlClient } from '@switchyard/messaging';

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
