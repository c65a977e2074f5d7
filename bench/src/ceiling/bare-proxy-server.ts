// What a proxy hop costs in Node on this machine, before anything a gateway does: Fastify and
// @fastify/http-proxy (the gateway's own proxy, same undici pool) forwarding `/v1/orders` to
// the order service — no token check, no denylist, no rate limit, no tracing, no logging.
import Fastify from 'fastify';
import httpProxy from '@fastify/http-proxy';

const app = Fastify({ logger: false });
await app.register(httpProxy, {
  upstream: process.env.UPSTREAM_URL!,
  prefix: '/v1/orders',
  rewritePrefix: '/v1/orders',
  undici: { connections: 128 },
});
await app.listen({ host: '127.0.0.1', port: Number(process.env.PORT) });
process.send?.('ready');
process.on('SIGTERM', () => void app.close());
