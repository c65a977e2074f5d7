import { PrismaPg } from '@prisma/adapter-pg';
import { databasePoolConfig, type DatabaseTimeouts } from '@switchyard/service-kit';
import { PrismaClient } from './generated/prisma/client.js';

export type Db = PrismaClient;

/**
 * The notification service's own database; nothing else connects to it. Connects and statements are
 * bounded (DB_CONNECT_TIMEOUT_MS, DB_STATEMENT_TIMEOUT_MS; the defaults when not given).
 */
export function createDb(databaseUrl: string, timeouts?: DatabaseTimeouts): Db {
  return new PrismaClient({ adapter: new PrismaPg(databasePoolConfig(databaseUrl, timeouts)) });
}
