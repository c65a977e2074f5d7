/**
 * The gateway decides on a path exactly as written, and forwards it unchanged; so it accepts
 * only paths that every router and URL parser downstream reads the same way. A path that
 * another parser could read differently — a fragment, an encoded slash or dot, a dot
 * segment, an empty segment, matrix parameters, a backslash or a control character — is
 * refused with 400 before any decision is made (RFC 3986 §3.3, §5.2.4; RFC 9112 §3.2).
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

export function checkRequestTarget(url: string): RequestTargetCheck {
  const query = url.indexOf('?');
  // A '#' after the query is still part of the target and still refused.
  if (url.includes('#')) return { ok: false, reason: RULES[0]![1] };
  const path = query === -1 ? url : url.slice(0, query);
  if (!path.startsWith('/')) return { ok: false, reason: 'the request target must be a path' };
  for (const [pattern, reason] of RULES) if (pattern.test(path)) return { ok: false, reason };
  return { ok: true, path };
}
