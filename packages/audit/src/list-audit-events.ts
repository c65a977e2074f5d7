import { cursorParam, encodeCursor, keysetPage, type KeysetPage } from '@switchyard/service-kit';
import type { AuditActorType, StoredAuditEvent } from './audit-event.js';
import type { AuditSql } from './sql-client.js';
import { STORED_COLUMNS, toStoredEvent, type StoredRow } from './stored-rows.js';

export interface AuditEventFilter {
  actorType?: AuditActorType;
  actorId?: string;
  action?: string;
  targetType?: string;
  targetId?: string;
  /** Occurred at or after. */
  from?: Date;
  /** Occurred before. */
  to?: Date;
  limit: number;
  /** From the previous page's nextCursor; a malformed one is a 400. */
  cursor?: string;
}

/**
 * Entries matching every given filter, newest first; keyset pagination on (occurred_at, id),
 * the one paging contract of the API.
 */
export async function listAuditEvents(
  db: AuditSql,
  filter: AuditEventFilter,
): Promise<KeysetPage<StoredAuditEvent>> {
  const after = cursorParam(filter.cursor);
  const conditions: string[] = [];
  const values: unknown[] = [];
  const where = (sql: (param: string) => string, value: unknown) => {
    values.push(value);
    conditions.push(sql(`$${values.length}`));
  };
  if (filter.actorType !== undefined) where((p) => `actor_type = ${p}`, filter.actorType);
  if (filter.actorId !== undefined) where((p) => `actor_id = ${p}`, filter.actorId);
  if (filter.action !== undefined) where((p) => `action = ${p}`, filter.action);
  if (filter.targetType !== undefined) where((p) => `target_type = ${p}`, filter.targetType);
  if (filter.targetId !== undefined) where((p) => `target_id = ${p}`, filter.targetId);
  if (filter.from) where((p) => `occurred_at >= ${p}::timestamptz`, filter.from.toISOString());
  if (filter.to) where((p) => `occurred_at < ${p}::timestamptz`, filter.to.toISOString());
  if (after) {
    values.push(after.createdAt.toISOString(), after.id);
    const [at, id] = [`$${values.length - 1}`, `$${values.length}`];
    conditions.push(`(occurred_at, id) < (${at}::timestamptz, ${id}::uuid)`);
  }
  values.push(filter.limit + 1);
  const rows = await db.$queryRawUnsafe<StoredRow[]>(
    `SELECT ${STORED_COLUMNS} FROM audit_events
      ${conditions.length ? `WHERE ${conditions.join(' AND ')}` : ''}
      ORDER BY audit_events.occurred_at DESC, audit_events.id DESC LIMIT $${values.length}`,
    ...values,
  );
  return keysetPage(rows.map(toStoredEvent), filter.limit, (last) =>
    encodeCursor({ createdAt: new Date(last.occurredAt), id: last.id }),
  );
}
