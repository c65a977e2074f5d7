/** How long a service waits on its database before it gives up (DatabaseEnv). */
export interface DatabaseTimeouts {
  /** Longest wait for a connection: a free one from the pool, or a new one's handshake. */
  DB_CONNECT_TIMEOUT_MS: number;
  /** Longest one statement may run, waits for locks included; PostgreSQL then cancels it. */
  DB_STATEMENT_TIMEOUT_MS: number;
}

/** A service's database pool (DatabaseEnv): how many connections, and how long it waits. */
export interface DatabasePoolSettings extends DatabaseTimeouts {
  /** Most connections the process opens to its database (its pool's size). */
  DB_POOL_MAX: number;
}

/**
 * The defaults: a failover or a lost host is noticed within seconds, and a request's whole
 * run stays well under the order service's Idempotency-Key hold (60 s), so a retry rarely
 * takes over a request that is still alive.
 */
export const defaultDatabaseTimeouts: DatabaseTimeouts = {
  DB_CONNECT_TIMEOUT_MS: 5_000,
  DB_STATEMENT_TIMEOUT_MS: 15_000,
};

/** node-postgres' own default pool size, kept: replicas × pool stays under max_connections. */
export const defaultDatabasePoolSettings: DatabasePoolSettings = {
  ...defaultDatabaseTimeouts,
  DB_POOL_MAX: 10,
};

/**
 * node-postgres pool settings for a service's own database (a pg.Pool, or the one
 * @prisma/adapter-pg creates): without the timeouts a connect to a host that stopped answering
 * waits forever, and a statement behind a stuck lock as long as the lock is held. Both
 * failures are transient (isTransientError): a 503 with Retry-After at the HTTP edge, a retry
 * for a message. Whatever is not given keeps its default.
 */
export function databasePoolConfig(
  databaseUrl: string,
  settings: Partial<DatabasePoolSettings> = {},
) {
  const { DB_POOL_MAX, DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS } = {
    ...defaultDatabasePoolSettings,
    ...settings,
  };
  return {
    connectionString: databaseUrl,
    max: DB_POOL_MAX,
    connectionTimeoutMillis: DB_CONNECT_TIMEOUT_MS,
    // Sent with the connection's startup, so it holds for every statement on it, the ORM's too.
    statement_timeout: DB_STATEMENT_TIMEOUT_MS,
  };
}
