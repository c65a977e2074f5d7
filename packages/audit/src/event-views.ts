import { AppError } from '@switchyard/service-kit';
import type { StoredAuditEvent } from './audit-event.js';
import type { AuditEventFilter } from './list-audit-events.js';
import type { AuditEventQuery, AuditEventView } from './audit-schemas.js';

/** An entry as the admin API answers it. */
export function toAuditEventView(event: StoredAuditEvent): AuditEventView {
  const { prevHash: _prevHash, seq, ...rest } = event;
  return { ...rest, seq: Number(seq) };
}

// PostgreSQL's timestamptz and a cursor's range both end well inside these.
const EARLIEST = Date.UTC(1970, 0, 1);
const LATEST = Date.UTC(9999, 11, 31);

function instant(value: string | undefined, name: string): Date | undefined {
  if (value === undefined) return undefined;
  const time = Date.parse(value);
  if (Number.isNaN(time) || time < EARLIEST || time > LATEST)
    throw new AppError('VALIDATION_FAILED', `${name} must be a time between 1970 and 9999`);
  return new Date(time);
}

/** The admin query's parameters as a filter; a time out of range is a 400. */
export function auditEventFilterOf(query: AuditEventQuery): AuditEventFilter {
  const { from, to, ...rest } = query;
  return { ...rest, from: instant(from, 'from'), to: instant(to, 'to') };
}
