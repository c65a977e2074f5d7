import type { IncomingHttpHeaders } from 'node:http';

// Headers some systems use to carry an already-authenticated identity or the client's address.
// A client must never be able to assert one: the gateway drops them all before forwarding
// (and sets X-Forwarded-For itself).
const IDENTITY_HEADER =
  /^(x-user-|x-auth-|x-authenticated-|x-forwarded-|forwarded$|x-real-ip$|x-client-ip$|x-remote-user|x-consumer-|x-identity|x-roles?$|x-scopes?$)/i;

export function stripIdentityHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const cleaned: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!IDENTITY_HEADER.test(name)) cleaned[name] = value;
  }
  return cleaned;
}

// Hop-by-hop headers belong to one connection and must not be forwarded (RFC 9110 §7.6.1);
// an upstream's "connection: keep-alive" would otherwise keep a client's "close" connection open.
const HOP_BY_HOP = new Set([
  'connection',
  'keep-alive',
  'proxy-connection',
  'te',
  'trailer',
  'upgrade',
  'proxy-authenticate',
  'proxy-authorization',
  'transfer-encoding',
]);

export function stripHopByHopHeaders<H extends Record<string, unknown>>(headers: H): H {
  const named = String(headers.connection ?? '')
    .split(',')
    .map((h) => h.trim().toLowerCase())
    .filter(Boolean);
  return Object.fromEntries(
    Object.entries(headers).filter(
      ([name]) => !HOP_BY_HOP.has(name.toLowerCase()) && !named.includes(name.toLowerCase()),
    ),
  ) as H;
}

// W3C Trace Context and Baggage. The gateway's tracing continues the client's trace (its
// server span is a child of the client's span) and injects the context again into the
// upstream request; forwarding the client's own fields as well would send each twice,
// comma-joined, and the service would start a new trace.
const TRACE_CONTEXT = new Set(['traceparent', 'tracestate', 'baggage']);

export function stripTraceContextHeaders<H extends Record<string, unknown>>(headers: H): H {
  return Object.fromEntries(
    Object.entries(headers).filter(([name]) => !TRACE_CONTEXT.has(name.toLowerCase())),
  ) as H;
}
