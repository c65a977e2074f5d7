import type { Db } from '../db.js';

/**
 * Machine clients revoked since `since`, shaped as the denylist sync reads disabled users
 * (`id` is the subject of their tokens; `updatedAt` when the entry's time started).
 */
export async function recentlyRevokedClients(
  db: Db,
  since: Date,
): Promise<{ id: string; updatedAt: Date }[]> {
  const rows = await db.oAuthClient.findMany({
    where: { disabled: true, revokedAt: { gte: since } },
    select: { clientId: true, revokedAt: true },
  });
  return rows.map((row) => ({ id: row.clientId, updatedAt: row.revokedAt! }));
}
