import pg from 'pg';
import { databaseNameOf, withDatabase } from '@switchyard/db';

/**
 * A database outage as a failover or restart looks to its clients: every open connection is
 * terminated and new ones are refused ("database is not accepting connections") until the
 * returned function is called. Only this database is affected, not the shared server.
 */
export async function takeDatabaseOffline(url: string): Promise<() => Promise<void>> {
  const name = databaseNameOf(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS false`);
    await admin.query(
      'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
      [name],
    );
  } finally {
    await admin.end();
  }
  return async () => {
    const again = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
    await again.connect();
    try {
      await again.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS true`);
    } finally {
      await again.end();
    }
  };
}
