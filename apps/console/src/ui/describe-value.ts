/**
 * A value from the API's free-form fields (audit changes, details) as words for the screen:
 * lists joined, nothing as a dash, objects as "key: value" pairs — never raw JSON.
 */
export function describeValue(value: unknown): string {
  if (value === null || value === undefined || value === '') return '—';
  if (Array.isArray(value))
    return value.length === 0 ? 'none' : value.map(describeValue).join(', ');
  if (typeof value === 'boolean') return value ? 'yes' : 'no';
  if (typeof value === 'object')
    return Object.entries(value as Record<string, unknown>)
      .map(([key, inner]) => `${humaniseKey(key)}: ${describeValue(inner)}`)
      .join('; ');
  return String(value);
}

/** `userAgent` → "user agent", `failed_attempts` → "failed attempts". */
export const humaniseKey = (key: string) =>
  key
    .replace(/([a-z])([A-Z])/g, '$1 $2')
    .replace(/_/g, ' ')
    .toLowerCase();
