import type { FastifyInstance } from 'fastify';
import httpProxy from '@fastify/http-proxy';
import { stripHopByHopHeaders, stripIdentityHeaders } from '../identity-headers.js';
import type { UpstreamRoute } from '../routes/route-table.js';
import { upstreamError } from '../upstream-error.js';

/** One reverse-proxy per route-table entry: identity headers stripped, request id forwarded. */
export async function proxyRoutes(
  app: FastifyInstance,
  options: { routes: UpstreamRoute[]; timeoutMs: number },
): Promise<void> {
  for (const route of options.routes) {
    await app.register(httpProxy, {
      upstream: route.upstream,
      prefix: route.prefix,
      rewritePrefix: route.prefix,
      maxRetriesOn503: 2,
      config: { proxyPrefix: route.prefix, upstreamService: route.service },
      undici: {
        connections: 128,
        connectTimeout: options.timeoutMs,
        headersTimeout: options.timeoutMs,
        bodyTimeout: options.timeoutMs,
      },
      replyOptions: {
        // Retried only for idempotent methods (reply-from's default list), a few times at most.
        retriesCount: 2,
        rewriteHeaders: (headers) => stripHopByHopHeaders(headers),
        rewriteRequestHeaders: (request, headers) => ({
          ...stripHopByHopHeaders(stripIdentityHeaders(headers)),
          'x-request-id': request.id,
          // The client's address as the gateway determined it (past trusted proxies only);
          // whatever the client claimed was dropped above. Services believe it only from us.
          'x-forwarded-for': request.ip,
        }),
        onError: (reply, { error }) => {
          reply.log.warn({ err: error, upstream: route.upstream }, 'upstream request failed');
          reply.send(upstreamError(error as { code?: string }, route.service));
        },
      },
    });
  }
}
