/**
 * The gateway decides on the path it will forward, and forwards that path; so it accepts only
 * paths that every router and URL parser downstream reads the same way. A path that another
 * parser could read differently — a fragment, an encoded slash or dot, a dot segment, an empty
 * segment, matrix parameters, a backslash or a control character — is refused with 400 before
 * any decision is made (RFC 3986 §3.3, §5.2.4; RFC 9112 §3.2). What is left is normalised
 * (RFC 3986 §6.2.2): an escaped unreserved character is the character itself — `/v1/auth/logi%6E`
 * is `/v1/auth/login` to the router and to the services, so it must be to every decision too.
 */
export type RequestTargetCheck = { ok: true; path: string } | { ok: false; reason: string };

const RULES: [RegExp, string][] = [
  [/#/, 'a request target must not carry a fragment (#)'],
  [/%2f|%5c/i, 'encoded slashes are not allowed in the path'],
  [/%2e/i, 'encoded dots are not allowed in the path'],
  [/%00/, 'encoded NUL is not allowed in the path'],
  [/(^|\/)\.{1,2}(\/|$)/, 'dot segments (/./, /../) are not allowed in the path'],
  [/\/\//, 'empty path segments (//) are not allowed'],
  [/;/, 'path parameters (;) are not allowed'],
  [/\\/, 'backslashes are not allowed in the path'],
  // eslint-disable-next-line no-control-regex
  [/[\u0000-\u001f\u007f]/, 'control characters are not allowed in the path'],
];

/** RFC 3986 §2.3: escaping one of these changes nothing; a URI normaliser decodes them. */
const UNRESERVED = /^[A-Za-z0-9\-._~]$/;

/**
 * Percent-decoding of unreserved characters, upper-case hex in every other escape (§6.2.2.1-2).
 * Paths stay case-sensitive (as every router here is), and the rules above already refused
 * what dot-segment and duplicate-slash normalisation would change; an encoded dot was refused
 * too, so decoding cannot make a dot segment.
 */
export const normalisePath = (path: string) =>
  path.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const char = String.fromCharCode(parseInt(hex, 16));
    return UNRESERVED.test(char) ? char : escape.toUpperCase();
  });

/** Refuse what downstream parsers could read differently; otherwise the normalised path. */
export function checkRequestTarget(url: string): RequestTargetCheck {
  const query = url.indexOf('?');
  // A '#' after the query is still part of the target and still refused.
  if (url.includes('#')) return { ok: false, reason: RULES[0]![1] };
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith('/')) return { ok: false, reason: 'the request target must be a path' };
  for (const [pattern, reason] of RULES) if (pattern.test(path)) return { ok: false, reason };
  return { ok: true, path: normalisePath(path) };
}

/**
 * The request target the gateway routes, decides on and forwards (Fastify's `rewriteUrl`, run
 * before routing): its path normalised, the query as sent. A target that fails the check is
 * left as it is; the authentication hook refuses it with 400.
 */
export function normaliseRequestTarget(url: string): string {
  const target = checkRequestTarget(url);
  if (!target.ok) return url;
  const query = url.indexOf('?');
  return query === -1 ? target.path : target.path + url.slice(query);
}
