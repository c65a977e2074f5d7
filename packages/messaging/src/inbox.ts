import type { SqlClient, TransactionalSqlClient } from './sql-client.js';

/**
 * Run `fn` once per (consumer, event id): the inbox row and the handler's writes commit in
 * one transaction, so a redelivered event finds its row and does nothing.
 * Returns false when the event had already been processed.
 */
export async function processOnce(
  db: TransactionalSqlClient,
  consumer: string,
  event: { id: string; name: string },
  fn: (tx: SqlClient) => Promise<void>,
): Promise<boolean> {
  return db.$transaction(async (tx: SqlClient) => {
    const inserted = await tx.$executeRawUnsafe(
      `INSERT INTO inbox_events (consumer, event_id, event_type) VALUES ($1, $2, $3)
       ON CONFLICT (consumer, event_id) DO NOTHING`,
      consumer,
      event.id,
      event.name,
    );
    if (inserted === 0) return false;
    await fn(tx);
    return true;
  });
}

export async function wasProcessed(
  db: SqlClient,
  consumer: string,
  eventId: string,
): Promise<boolean> {
  const rows = await db.$queryRawUnsafe<unknown[]>(
    'SELECT 1 FROM inbox_events WHERE consumer = $1 AND event_id = $2',
    consumer,
    eventId,
  );
  return rows.length > 0;
}
