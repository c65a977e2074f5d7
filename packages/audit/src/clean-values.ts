/**
 * What is stored of a value is what is hashed, and must survive PostgreSQL's jsonb and text
 * types unchanged, or a verification would call an honest entry altered. So before hashing:
 * JSON only (dates as ISO strings, undefined dropped), no NUL (PostgreSQL refuses it), no
 * lone UTF-16 surrogate (jsonb refuses it, RFC 8785 forbids it), and no secret.
 */

/**
 * Field names that hold a secret, wherever they appear: the value is stored as `[redacted]`.
 * Callers never pass one; this is the net under them.
 */
const SECRET_FIELD = /(password|passphrase|secret|token|hash|sealed|privatejwk|privatekey)$/i;
export const REDACTED = '[redacted]';

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;

/** A string PostgreSQL stores as given: NUL dropped, lone surrogates replaced (U+FFFD). */
export function cleanString(value: string): string {
  return value.replaceAll('\u0000', '').replace(LONE_SURROGATE, '\uFFFD');
}

/** A short text column (ip, user agent, ids): cleaned and cut to `max` characters, or null. */
export function cleanText(value: string | null | undefined, max: number): string | null {
  if (value === null || value === undefined) return null;
  return cleanString(value).slice(0, max);
}

function clean(value: unknown, key: string | null): unknown {
  if (key !== null && SECRET_FIELD.test(key) && value !== null && value !== undefined)
    return REDACTED;
  if (typeof value === 'string') return cleanString(value);
  if (Array.isArray(value)) return value.map((item) => clean(item, null));
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) out[cleanString(k)] = clean(v, k);
    return out;
  }
  return value;
}

/**
 * A JSON object as it will be stored and hashed (see above), or null for none. A field whose
 * name says it holds a secret (password, secret, token, hash, …) keeps its name, not its value.
 */
export function cleanJson(value: object | null | undefined): Record<string, unknown> | null {
  if (value === null || value === undefined) return null;
  // Through JSON first: Dates become strings, undefined and functions go, as jsonb would.
  return clean(JSON.parse(JSON.stringify(value)), null) as Record<string, unknown>;
}
