import fc from 'fast-check';
import { fuzzedValue, hostileString, validValue } from './arbitraries.js';
import { resolver, type OpenApiDocument, type Operation } from './operations.js';

/** What the fuzzer knows about the platform it drives: who it can be, what exists. */
export interface FuzzContext {
  /** A customer, another customer, an admin, and a machine client with every scope. */
  tokens: { customer: string; other: string; admin: string; machine: string };
  /** Ids that exist (an order, a payment, a product, …): path parameters use them often. */
  knownIds: string[];
  /** A paid payment of the customer's, for refund sequences. */
  knownPaymentId?: string;
  /** A cursor the API issued, to tamper with. */
  knownCursor?: string;
}

export interface FuzzRequest {
  method: string;
  path: string;
  headers: Record<string, string>;
  body?: string;
}

/** A token with one character of its signature changed: right shape, wrong signature. */
const tamper = (token: string) => {
  const i = token.length - 5;
  return token.slice(0, i) + (token[i] === 'A' ? 'B' : 'A') + token.slice(i + 1);
};

function serializeBody(value: unknown, mediaType: string): string {
  if (mediaType === 'application/x-www-form-urlencoded' && value && typeof value === 'object') {
    return new URLSearchParams(
      Object.entries(value).map(([k, v]): [string, string] => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    ).toString();
  }
  return JSON.stringify(value) ?? 'null';
}

const wellFormed = (s: string) =>
  s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');

const asParam = (value: unknown) => (typeof value === 'string' ? value : JSON.stringify(value));

/** Requests for one operation: mostly well formed, often with one hostile part. */
export function requestsFor(
  operation: Operation,
  document: OpenApiDocument,
  context: FuzzContext,
): fc.Arbitrary<FuzzRequest> {
  const resolve = resolver(document);
  const pathParams = operation.parameters.filter((p) => p.in === 'path');
  const queryParams = operation.parameters.filter((p) => p.in === 'query');
  const headerParams = operation.parameters.filter((p) => p.in === 'header');
  const idLike = fc.oneof(
    { arbitrary: fc.constantFrom(...context.knownIds), weight: 6 },
    { arbitrary: fc.uuid({ version: 4 }), weight: 2 },
    { arbitrary: hostileString, weight: 2 },
  );
  const cursor = fc.oneof(
    fc.constant(context.knownCursor ?? 'bm90LWEtY3Vyc29y'),
    fc.constant(tamper(context.knownCursor ?? 'bm90LWEtY3Vyc29yYWFhYWE')),
    fc
      .base64String({ maxLength: 60 })
      .map((s) => s.replace(/\+/g, '-').replace(/\//g, '_').replace(/=/g, '')),
    hostileString,
  );
  const auth = operation.secured
    ? fc.oneof(
        { arbitrary: fc.constant(`Bearer ${context.tokens.customer}`), weight: 5 },
        { arbitrary: fc.constant(`Bearer ${context.tokens.admin}`), weight: 3 },
        { arbitrary: fc.constant(`Bearer ${context.tokens.machine}`), weight: 2 },
        { arbitrary: fc.constant(`Bearer ${context.tokens.other}`), weight: 1 },
        { arbitrary: fc.constant(`Bearer ${tamper(context.tokens.customer)}`), weight: 1 },
        { arbitrary: fc.constant(''), weight: 1 },
      )
    : fc.oneof(
        { arbitrary: fc.constant(''), weight: 5 },
        fc.constant(`Bearer ${context.tokens.customer}`),
      );
  const query = fc.record(
    Object.fromEntries(
      queryParams.map((p) => [
        p.name,
        p.name === 'cursor' ? cursor : fuzzedValue(p.schema, resolve).map(asParam),
      ]),
    ),
    { requiredKeys: [] },
  );
  const headers = fc.record(
    Object.fromEntries(
      headerParams.map((p) => [p.name, validValue(p.schema, resolve).map(asParam)]),
    ),
    { requiredKeys: headerParams.filter((p) => p.required).map((p) => p.name) },
  );
  const body = operation.body
    ? fuzzedValue(operation.body, resolve).map((v) => serializeBody(v, operation.bodyMediaType!))
    : fc.constant(undefined);
  return fc
    .record({
      ids: fc.tuple(...pathParams.map(() => idLike)),
      query,
      headers,
      auth,
      body,
    })
    .map(({ ids, query: q, headers: h, auth: a, body: b }) => {
      let path = operation.template;
      pathParams.forEach((p, i) => {
        // (A lone surrogate cannot be percent-encoded: it goes as U+FFFD, as a browser sends it.)
        path = path.replace(`{${p.name}}`, encodeURIComponent(wellFormed(String(ids[i]))));
      });
      const search = new URLSearchParams(
        Object.entries(q).filter(([, v]) => v !== undefined) as [string, string][],
      ).toString();
      const requestHeaders: Record<string, string> = {};
      for (const [k, v] of Object.entries(h)) {
        // Only what an HTTP client can put in a header at all (printable ASCII).
        if (typeof v === 'string' && /^[\x20-\x7e]*$/.test(v)) requestHeaders[k] = v;
      }
      if (a) requestHeaders.authorization = a;
      if (b !== undefined) requestHeaders['content-type'] = operation.bodyMediaType!;
      return {
        method: operation.method,
        path: search ? `${path}?${search}` : path,
        headers: requestHeaders,
        ...(b !== undefined ? { body: b } : {}),
      };
    });
}

/** The request as a shell command, to reproduce a failure by hand. */
export function asCurl(gatewayUrl: string, request: FuzzRequest): string {
  const quote = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const parts = ['curl', '-i', '-X', request.method, quote(gatewayUrl + request.path)];
  for (const [k, v] of Object.entries(request.headers)) parts.push('-H', quote(`${k}: ${v}`));
  if (request.body !== undefined) parts.push('--data-raw', quote(request.body.slice(0, 2000)));
  return parts.join(' ');
}
