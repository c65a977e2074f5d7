import { trace } from '@opentelemetry/api';
import type { FastifyRequest } from 'fastify';
import type { DestinationStream, LoggerOptions } from 'pino';

/** Where a process's log lines go: stdout, unless a test reads them. */
export type LogStream = DestinationStream;

/** Paths that must never reach a log line, wherever they appear. */
export const redactedPaths = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-api-key"]',
  'res.headers["set-cookie"]',
  '*.password',
  '*.passwordHash',
  '*.refreshToken',
  '*.accessToken',
  '*.token',
  '*.secret',
  '*.privateKey',
];

/**
 * A request as the request log shows it: Fastify's own fields, and the target as the client
 * sent it whenever the app rewrote it before routing (the gateway routes `/v1/auth/logi%6E` as
 * `/v1/auth/login`), so a spelling that tries to slip past a rule stays visible in the log.
 */
function requestForLog(request: FastifyRequest) {
  return {
    method: request.method,
    url: request.url,
    ...(request.originalUrl !== request.url ? { originalUrl: request.originalUrl } : {}),
    version: request.headers?.['accept-version'],
    host: request.host,
    remoteAddress: request.ip,
    remotePort: request.socket?.remotePort,
  };
}

/**
 * pino options for a service: JSON lines (pretty only when a person watches a terminal),
 * secrets redacted, and the active trace and span ids on every line. With `stream`, the JSON
 * lines go there instead of stdout.
 */
export function loggerOptions(options: {
  service: string;
  level: string;
  stream?: LogStream;
}): LoggerOptions & { stream?: LogStream } {
  return {
    level: options.level,
    base: { service: options.service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    serializers: { req: requestForLog },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    ...(options.stream
      ? { stream: options.stream }
      : process.stdout.isTTY
        ? { transport: { target: 'pino-pretty' } }
        : {}),
  };
}
