import { trace } from '@opentelemetry/api';
import type { LoggerOptions } from 'pino';

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
 * pino options for a service: JSON lines (pretty only when a person watches a terminal),
 * secrets redacted, and the active trace and span ids on every line.
 */
export function loggerOptions(options: { service: string; level: string }): LoggerOptions {
  return {
    level: options.level,
    base: { service: options.service },
    redact: { paths: redactedPaths, censor: '[redacted]' },
    mixin() {
      const span = trace.getActiveSpan();
      if (!span) return {};
      const { traceId, spanId } = span.spanContext();
      return { trace_id: traceId, span_id: spanId };
    },
    ...(process.stdout.isTTY ? { transport: { target: 'pino-pretty' } } : {}),
  };
}
