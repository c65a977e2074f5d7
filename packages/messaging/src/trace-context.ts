import {
  context,
  propagation,
  trace,
  SpanKind,
  SpanStatusCode,
  type Context,
} from '@opentelemetry/api';

const tracer = trace.getTracer('@switchyard/messaging');

/** The W3C traceparent of the active span, to travel with an event; undefined without one. */
export function currentTraceparent(): string | undefined {
  const carrier: Record<string, string> = {};
  propagation.inject(context.active(), carrier);
  return carrier.traceparent;
}

function contextFrom(traceparent: string | undefined): Context {
  if (!traceparent) return context.active();
  return propagation.extract(context.active(), { traceparent });
}

/** Run `fn` in a consumer span that continues the trace the event was produced in. */
export function withConsumerSpan<T>(
  name: string,
  traceparent: string | undefined,
  attributes: Record<string, string>,
  fn: () => Promise<T>,
): Promise<T> {
  return tracer.startActiveSpan(
    name,
    { kind: SpanKind.CONSUMER, attributes },
    contextFrom(traceparent),
    async (span) => {
      try {
        return await fn();
      } catch (error) {
        span.recordException(error as Error);
        span.setStatus({ code: SpanStatusCode.ERROR });
        throw error;
      } finally {
        span.end();
      }
    },
  );
}
