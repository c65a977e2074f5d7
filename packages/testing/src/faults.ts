import net from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { databaseNameOf, withDatabase } from '@switchyard/db';

/**
 * A database outage as a failover or restart looks to its clients: every open connection is
 * terminated and new ones are refused ("database is not accepting connections") until the
 * returned function is called. Only this database is affected, not the shared server.
 */
export async function takeDatabaseOffline(url: string): Promise<() => Promise<void>> {
  await allowConnections(url, false);
  return () => allowConnections(url, true);
}

/**
 * Let a database accept connections or not; refusing also ends the open ones (except this
 * admin session), as a failover does.
 */
export async function allowConnections(url: string, allow: boolean): Promise<void> {
  const name = databaseNameOf(url);
  const admin = new pg.Client({ connectionString: withDatabase(url, 'postgres') });
  await admin.connect();
  try {
    await admin.query(`ALTER DATABASE "${name}" ALLOW_CONNECTIONS ${allow}`);
    if (!allow)
      await admin.query(
        'SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = $1 AND pid <> pg_backend_pid()',
        [name],
      );
  } finally {
    await admin.end();
  }
}

/**
 * What a Redis restarted without persistence holds: nothing. Only for a database index of the
 * test's own (`redis://host:port/<n>`, n > 0): the shared database 0 is every suite's.
 */
export async function loseRedisData(url: string): Promise<void> {
  const index = Number(new URL(url).pathname.slice(1) || '0');
  if (!(index > 0)) throw new Error(`loseRedisData needs a Redis database of its own, not ${url}`);
  const redis = new Redis(url, { lazyConnect: true, maxRetriesPerRequest: 2 });
  try {
    await redis.connect();
    await redis.flushdb();
  } finally {
    redis.disconnect();
  }
}

export interface TcpProxy {
  url: (scheme: string) => string;
  port: number;
  /** Drop every connection and refuse new ones, as a crashed or partitioned server would. */
  cut(): void;
  /** Accept connections again. */
  restore(): void;
  close(): Promise<void>;
}

/**
 * A TCP proxy in front of a real server (Redis, Postgres, Kafka…), so a test can take that
 * server away from one process without touching the server others share.
 */
export async function startTcpProxy(target: { host: string; port: number }): Promise<TcpProxy> {
  const sockets = new Set<net.Socket>();
  let open = true;
  const server = net.createServer((client) => {
    if (!open) return client.destroy();
    const upstream = net.connect(target.port, target.host);
    for (const s of [client, upstream]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => {});
    }
    client.pipe(upstream).pipe(client);
    client.on('close', () => upstream.destroy());
    upstream.on('close', () => client.destroy());
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const port = (server.address() as net.AddressInfo).port;
  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    cut() {
      open = false;
      for (const s of sockets) s.destroy();
    },
    restore() {
      open = true;
    },
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
