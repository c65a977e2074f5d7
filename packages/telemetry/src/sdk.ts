import { NodeSDK } from '@opentelemetry/sdk-node';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { BatchSpanProcessor, NoopSpanProcessor } from '@opentelemetry/sdk-trace-base';
import { tracesSampler } from './traces-sampler.js';

let sdk: NodeSDK | null = null;

const ignoredPaths = new Set(['/healthz', '/readyz', '/metrics']);

/** Start tracing once per process; export over OTLP only when an endpoint is configured. */
export function startTelemetry(env: Record<string, string | undefined> = process.env): void {
  if (sdk) return;
  const exporting = Boolean(
    env.OTEL_EXPORTER_OTLP_ENDPOINT || env.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT,
  );
  // Without an endpoint, nothing would receive the data: keep spans (for trace ids in logs)
  // but do not try to ship them or metrics/logs anywhere.
  process.env.OTEL_METRICS_EXPORTER ??= 'none';
  process.env.OTEL_LOGS_EXPORTER ??= 'none';
  // Sampling (traces-sampler.ts): the standard OTEL_TRACES_SAMPLER(_ARG), or our default.
  const sampling = tracesSampler(env, exporting);
  if (sampling.warning) process.emitWarning(sampling.warning, 'TelemetryConfigWarning');
  sdk = new NodeSDK({
    sampler: sampling.sampler,
    spanProcessors: [
      exporting ? new BatchSpanProcessor(new OTLPTraceExporter()) : new NoopSpanProcessor(),
    ],
    instrumentations: [
      new HttpInstrumentation({
        ignoreIncomingRequestHook: (request) =>
          ignoredPaths.has((request.url ?? '').split('?')[0] ?? ''),
      }),
      new UndiciInstrumentation(),
    ],
  });
  sdk.start();
}

/** Flush and stop; safe to call when telemetry never started. */
export async function shutdownTelemetry(): Promise<void> {
  const running = sdk;
  sdk = null;
  await running?.shutdown();
}
