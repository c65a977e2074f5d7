import { PrismaPg } from '@prisma/adapter-pg';
import pg from 'pg';
import { PrismaClient } from './generated/prisma/client.js';

/** Prisma for the service's writes and most reads; `pool`, the same connections, for hot reads. */
export type Db = PrismaClient & { readonly pool: pg.Pool };

/** The order service's own database; nothing else connects to it. */
export function createDb(databaseUrl: string): Db {
  const pool = new pg.Pool({ connectionString: databaseUrl });
  const prisma = new PrismaClient({ adapter: new PrismaPg(pool, { disposeExternalPool: true }) });
  return Object.assign(prisma, { pool });
}
