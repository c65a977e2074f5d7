import type { FastifyInstance } from 'fastify';
import httpProxy from '@fastify/http-proxy';
import {
  stripHopByHopHeaders,
  stripIdentityHeaders,
  stripTraceContextHeaders,
} from '../identity-headers.js';
import type { UpstreamRoute } from '../routes/route-table.js';
import { upstreamError } from '../upstream-error.js';
import { bufferedBody } from '../upstreams/buffered-body.js';
import type { UpstreamPool } from '../upstreams/upstream-pool.js';
import { parseUpstreamUrls } from '../upstreams/upstream-urls.js';
import { providerWebhookLimit } from './provider-webhook-limit.js';

/** The whole body was read, so its length is known: say so (a chunked upload is no longer one). */
const bodyLength = (body: unknown): Record<string, string> => {
  const length = (body as { byteLength?: number } | undefined)?.byteLength;
  return length === undefined ? {} : { 'content-length': String(length) };
};

const withoutExpect = <H extends Record<string, unknown>>({ expect: _expect, ...rest }: H) => rest;

/** What a provider webhook route skips: the customer-facing features (route-table.ts). */
const LEAN_ROUTE_CONFIG = { rateLimit: false, cors: false, securityHeaders: false } as const;

/**
 * One reverse-proxy per route-table entry: identity headers stripped, request id forwarded.
 * Bodies are read here, whole and up to the body limit (413 before anything goes upstream,
 * chunked or not), and forwarded byte for byte; the services parse and validate them.
 * A provider webhook entry is one lean route (POST of its exact path) in a scope of its own,
 * behind one global limit per replica (provider-webhook-limit.ts).
 */
export async function proxyRoutes(
  app: FastifyInstance,
  options: {
    routes: UpstreamRoute[];
    /** Each service's replicas (plugins/upstream-pools.ts); timeouts are theirs. */
    pools: Map<string, UpstreamPool>;
    bodyLimit: number;
    providerWebhookRatePerSecond: number;
  },
): Promise<void> {
  app.removeAllContentTypeParsers();
  // Handed on as a stream of the bytes received (reply-from would re-encode a Buffer as JSON),
  // which keeps the bytes for a retry on another replica.
  app.addContentTypeParser(
    '*',
    { parseAs: 'buffer', bodyLimit: options.bodyLimit },
    (_request, body, done) => done(null, bufferedBody(body as Buffer)),
  );
  for (const route of options.routes) {
    const pool = options.pools.get(route.service)!;
    const proxy = (scope: FastifyInstance) =>
      scope.register(httpProxy, {
        proxyPayloads: false,
        // The first configured URL, for resolving paths; the pool picks each request's replica.
        upstream: parseUpstreamUrls(route.upstream)[0]!,
        prefix: route.prefix,
        rewritePrefix: route.prefix,
        maxRetriesOn503: 2,
        // The gateway writes one line per request itself (service-kit: request-log.ts).
        disableRequestLogging: true,
        ...(route.providerWebhook ? { httpMethods: ['POST'], routes: ['/'] } : {}),
        config: {
          proxyPrefix: route.prefix,
          upstreamService: route.service,
          ...(route.providerWebhook ? LEAN_ROUTE_CONFIG : {}),
        },
        undici: pool,
        replyOptions: {
          // Retried only for idempotent methods (reply-from's default list), a few times at most.
          retriesCount: 2,
          rewriteHeaders: (headers) => stripHopByHopHeaders(headers),
          rewriteRequestHeaders: (request, headers) => ({
            // Expect: 100-continue was answered here (Node does); it is not the upstream's.
            ...stripTraceContextHeaders(
              stripHopByHopHeaders(stripIdentityHeaders(withoutExpect(headers))),
            ),
            'x-request-id': request.id,
            // The client's address as the gateway determined it (past trusted proxies only);
            // whatever the client claimed was dropped above. Services believe it only from us.
            'x-forwarded-for': request.ip,
            ...bodyLength(request.body),
          }),
          onError: (reply, { error }) => {
            reply.log.warn({ err: error, upstream: route.service }, 'upstream request failed');
            const retryAfterMs = (error as { cause?: { retryAfterMs?: number } }).cause
              ?.retryAfterMs;
            if (retryAfterMs !== undefined)
              reply.header('retry-after', String(Math.ceil(retryAfterMs / 1000) || 1));
            reply.send(upstreamError(error as { code?: string }, route.service));
          },
        },
      });
    if (!route.providerWebhook) await proxy(app);
    else
      await app.register(async (lean) => {
        lean.addHook('onRequest', providerWebhookLimit(options.providerWebhookRatePerSecond));
        await proxy(lean);
      });
  }
}
