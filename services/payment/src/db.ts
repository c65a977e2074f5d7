import { PrismaPg } from '@prisma/adapter-pg';
import { databasePoolConfig, type DatabasePoolSettings } from '@switchyard/service-kit';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;

/**
 * The payment service's own database; nothing else connects to it. Its pool is DB_POOL_MAX
 * connections; connects and statements are bounded (DB_CONNECT_TIMEOUT_MS,
 * DB_STATEMENT_TIMEOUT_MS); the defaults for whatever is not given.
 */
export function createDb(databaseUrl: string, settings?: Partial<DatabasePoolSettings>): Db {
  return new PrismaClient({ adapter: new PrismaPg(databasePoolConfig(databaseUrl, settings)) });
}
