import { cursorParam, keysetPage, olderThan } from '@switchyard/service-kit';
import type { Db } from '../db.js';

/** One page of an endpoint's deliveries, newest first, each with its attempts. */
export async function listEndpointDeliveries(options: {
  db: Db;
  endpointId: string;
  status?: 'pending' | 'succeeded' | 'failed' | undefined;
  limit: number;
  cursor?: string | undefined;
}) {
  const { db, endpointId, status, limit } = options;
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId, ...(status ? { status } : {}), ...olderThan(cursorParam(options.cursor)) },
    include: { attemptLog: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  return keysetPage(rows, limit);
}
