import { cursorParam, encodeCursor, keysetPage } from '@switchyard/service-kit';
import type { Db } from '../db.js';
import { CLIENT_ID_PATTERN, toClientView, type MachineClientView } from './machine-clients.js';

/** Machine clients, oldest first; keyset pagination on (created_at, client_id), as every list. */
export async function listClients(
  db: Db,
  options: { limit: number; cursor?: string },
): Promise<{ items: MachineClientView[]; nextCursor: string | null }> {
  const after = cursorParam(options.cursor, CLIENT_ID_PATTERN);
  const position = after ? { createdAt: after.createdAt, clientId: after.id } : null;
  const rows = await db.oAuthClient.findMany({
    where: position
      ? {
          OR: [
            { createdAt: { gt: position.createdAt } },
            { createdAt: position.createdAt, clientId: { gt: position.clientId } },
          ],
        }
      : {},
    orderBy: [{ createdAt: 'asc' }, { clientId: 'asc' }],
    take: options.limit + 1,
  });
  const { items, nextCursor } = keysetPage(rows, options.limit, (last) =>
    encodeCursor({ createdAt: last.createdAt, id: last.clientId }),
  );
  const now = new Date();
  return { items: items.map((row) => toClientView(row, now)), nextCursor };
}
