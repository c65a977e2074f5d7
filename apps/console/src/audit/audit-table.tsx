import { formatDateTime } from '../ui/dates';
import { describeValue, humaniseKey } from '../ui/describe-value';
import { TableScroll } from '../ui/table-scroll';
import type { AuditEvent } from './audit-api';
import { actionLabel, actorLabel, shortRef } from './audit-labels';

/** Audit entries, newest first: when, what, by whom, on what, and what changed. */
export function AuditTable({
  events,
  label,
  showTarget = true,
}: {
  events: AuditEvent[];
  label: string;
  showTarget?: boolean;
}) {
  return (
    <TableScroll label={label}>
      <table className="table table--audit">
        <caption className="visually-hidden">{label}, newest first</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">What</th>
            <th scope="col">By</th>
            {showTarget && <th scope="col">On</th>}
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {events.map((event) => (
            <tr key={event.id}>
              <td>
                <time dateTime={event.occurredAt}>{formatDateTime(event.occurredAt)}</time>
              </td>
              <th scope="row">{actionLabel(event.action)}</th>
              <td>
                <span title={event.actor.id ?? undefined}>{actorLabel(event.actor)}</span>
              </td>
              {showTarget && (
                <td>
                  {event.target ? (
                    <span title={event.target.id}>
                      {humaniseKey(event.target.type)} {shortRef(event.target.id)}
                    </span>
                  ) : (
                    '—'
                  )}
                </td>
              )}
              <td>
                <AuditDetails event={event} />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </TableScroll>
  );
}

/** What changed (before → after), the recorded details, and where the request came from. */
function AuditDetails({ event }: { event: AuditEvent }) {
  const lines: string[] = [];
  for (const [field, change] of Object.entries(event.changes ?? {}))
    lines.push(
      `${humaniseKey(field)}: ${describeValue(change.before)} → ${describeValue(change.after)}`,
    );
  for (const [key, value] of Object.entries(event.details ?? {}))
    lines.push(`${humaniseKey(key)}: ${describeValue(value)}`);
  if (event.ip) lines.push(`from ${event.ip}`);
  if (event.userAgent) lines.push(event.userAgent);
  if (lines.length === 0) return <>—</>;
  return (
    <ul className="plain-list">
      {lines.map((line, index) => (
        <li key={index} className="wrap-anywhere">
          {line}
        </li>
      ))}
    </ul>
  );
}
