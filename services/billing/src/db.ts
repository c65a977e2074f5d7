import { PrismaPg } from '@prisma/adapter-pg';
import { databasePoolConfig, type DatabasePoolSettings } from '@switchyard/service-kit';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

/** Prisma for the service's writes and most reads; `pool`, the same connections, for hot reads. */
export type Db = PrismaClient & { readonly pool: pg.Pool };

/**
 * The billing service's own database; nothing else connects to it. Its pool is DB_POOL_MAX
 * connections; connects and statements are bounded (DB_CONNECT_TIMEOUT_MS,
 * DB_STATEMENT_TIMEOUT_MS); the defaults for whatever is not given.
 */
export function createDb(databaseUrl: string, settings?: Partial<DatabasePoolSettings>): Db {
  const pool = new pg.Pool(databasePoolConfig(databaseUrl, settings));
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return Object.assign(prisma, { pool });
}
