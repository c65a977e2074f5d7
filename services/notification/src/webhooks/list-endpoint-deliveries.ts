import { keysetPage, olderThan, type KeysetPosition } from '@switchyard/service-kit';
import type { Db } from '../db.js';

/**
 * One page of an endpoint's deliveries, newest first, each with its attempts. `after` is the
 * decoded cursor: routes decode it before looking the endpoint up, so a bad cursor is a 400
 * whatever the endpoint.
 */
export async function listEndpointDeliveries(options: {
  db: Db;
  endpointId: string;
  status?: 'pending' | 'succeeded' | 'failed' | undefined;
  limit: number;
  after: KeysetPosition | null;
}) {
  const { db, endpointId, status, limit } = options;
  const rows = await db.webhookDelivery.findMany({
    where: { endpointId, ...(status ? { status } : {}), ...olderThan(options.after) },
    include: { attemptLog: true },
    orderBy: [{ createdAt: 'desc' }, { id: 'desc' }],
    take: limit + 1,
  });
  return keysetPage(rows, limit);
}
