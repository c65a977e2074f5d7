import canonicalize from 'canonicalize';
import type { FieldChanges } from './audit-event.js';

/**
 * Before and after of the fields `fields` that differ between two versions of a thing; a
 * field is compared by value (arrays and objects too). `before` null: a thing just created,
 * every listed field with a before of null.
 */
export function changedFields<T extends object>(
  before: T | null,
  after: T,
  fields: (keyof T & string)[],
): FieldChanges {
  const changes: FieldChanges = {};
  for (const field of fields) {
    const was = before ? (before[field] ?? null) : null;
    const is = after[field] ?? null;
    if (canonicalize(was) !== canonicalize(is)) changes[field] = { before: was, after: is };
  }
  return changes;
}
