import { randomUUID } from 'node:crypto';
import { loadConfig, type App, type LogStream } from '@switchyard/service-kit';
import { markDenylistSynced, type JwksServer } from '@switchyard/testing';
import { buildGateway } from '../src/app.js';
import { GatewayConfig } from '../src/config.js';

/**
 * The gateway listening on a free port, every service routed to `upstreamUrl` (a real HTTP
 * server the test steers), tokens checked against `jwks`, its own rate-limit namespace. The
 * shared Redis holds auth's denylist marker, as it does with auth running. Log lines go to
 * `logStream` when given (a test reads them), else stdout.
 */
export async function startTestGateway(
  jwks: JwksServer,
  upstreamUrl: string,
  env: Record<string, string> = {},
  options: { logStream?: LogStream } = {},
): Promise<{ gateway: App; baseUrl: string; port: number }> {
  await markDenylistSynced();
  const gateway = await buildGateway(
    loadConfig(GatewayConfig, {
      PORT: '0',
      LOG_LEVEL: 'silent',
      AUTH_JWKS_URL: jwks.url,
      AUTH_SERVICE_URL: upstreamUrl,
      ORDER_SERVICE_URL: upstreamUrl,
      PAYMENT_SERVICE_URL: upstreamUrl,
      NOTIFICATION_SERVICE_URL: upstreamUrl,
      BILLING_SERVICE_URL: upstreamUrl,
      RATE_LIMIT_NAMESPACE: `switchyard:test:${randomUUID()}:`,
      ...env,
    }),
    options,
  );
  await gateway.listen({ port: 0, host: '127.0.0.1' });
  const port = (gateway.server.address() as { port: number }).port;
  return { gateway, baseUrl: `http://127.0.0.1:${port}`, port };
}
