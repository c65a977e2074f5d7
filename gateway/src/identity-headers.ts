import type { IncomingHttpHeaders } from 'node:http';

// Headers some systems use to carry an already-authenticated identity. A client must never be
// able to assert one: the gateway drops them all before forwarding.
const IDENTITY_HEADER =
  /^(x-user-|x-auth-|x-authenticated-|x-forwarded-user|x-remote-user|x-consumer-|x-identity|x-roles?$|x-scopes?$)/i;

export function stripIdentityHeaders(headers: IncomingHttpHeaders): IncomingHttpHeaders {
  const cleaned: IncomingHttpHeaders = {};
  for (const [name, value] of Object.entries(headers)) {
    if (!IDENTITY_HEADER.test(name)) cleaned[name] = value;
  }
  return cleaned;
}
