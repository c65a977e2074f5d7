import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance, type FastifyServerOptions } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { loggerOptions, type LogStream } from './logger.js';
import { OneLinePerRequest } from './request-log.js';
import { clientErrorHandler, frameworkErrors } from './framework-errors.js';
import { problemErrors } from './plugins/problem-errors.js';
import { strictInput } from './plugins/strict-input.js';
import { buildValidator } from './validator-compilers.js';
import { health } from './plugins/health.js';
import { metrics } from './plugins/metrics.js';
import { openapi } from './plugins/openapi.js';
import { ProblemDetails } from './problem.js';

export interface CreateAppOptions {
  service: string;
  logLevel?: string;
  /** Where log lines go (stdout unless given: a test that reads the log passes its own). */
  logStream?: LogStream;
  /** Largest accepted request body in bytes. */
  bodyLimit?: number;
  fastify?: Partial<FastifyServerOptions>;
  /** Serve this process's own OpenAPI document at /openapi.json (the gateway serves /docs). */
  serveOpenApi?: boolean;
  /** TRUSTED_PROXIES: whose X-Forwarded-For gives `request.ip` (empty: nobody's). */
  trustedProxies?: string;
  /** Serve /metrics on the app's port (default); false when startMetricsServer serves it. */
  metricsRoute?: boolean;
}

const REQUEST_ID = /^[A-Za-z0-9\-_.:]{1,128}$/;

export type App = FastifyInstance;

function trustedProxyList(value: string | undefined): string[] | false {
  const list = (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter(Boolean);
  return list.length ? list : false;
}

/**
 * A Fastify instance with everything a Switchyard process shares: logging, request ids,
 * strict schemas, problem+json errors, health and metrics. It never listens; see runServer.
 */
export async function createApp(options: CreateAppOptions): Promise<App> {
  const app = Fastify({
    logger: loggerOptions({
      service: options.service,
      level: options.logLevel ?? 'info',
      ...(options.logStream ? { stream: options.logStream } : {}),
    }),
    bodyLimit: options.bodyLimit ?? 256 * 1024,
    requestIdHeader: false,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Unknown properties are errors, never silently dropped; bodies are strict JSON types,
    // only the querystring, params and headers are coerced (validator-compilers.ts).
    // (Fastify's type for this factory names @fastify/ajv-compiler's internals; ours returns the same.)
    schemaController: { compilersFactory: { buildValidator: buildValidator as never } },
    // Requests Node's parser or Fastify's router refuse are problems too.
    clientErrorHandler,
    frameworkErrors,
    return503OnClosing: true,
    trustProxy: trustedProxyList(options.trustedProxies),
    forceCloseConnections: 'idle',
    logController: new OneLinePerRequest(),
    ...options.fastify,
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });
  // The API speaks JSON (and forms where a route adds them): text/plain is a 415, not a
  // string handed to a schema that expects an object.
  app.removeContentTypeParser('text/plain');
  app.addSchema(ProblemDetails);
  await app.register(openapi, { service: options.service, serveDocument: options.serveOpenApi });
  await app.register(problemErrors);
  await app.register(strictInput);
  await app.register(health);
  await app.register(metrics, { route: options.metricsRoute ?? true });
  return app as unknown as App;
}
