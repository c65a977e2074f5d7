import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-base';

export interface TracesSamplerChoice {
  sampler: Sampler;
  /** The OTEL_TRACES_SAMPLER value in effect (given, or our default), for the start-up log. */
  name: string;
  /** What went wrong with the variables, if anything (the default was used instead). */
  warning?: string;
}

/** OTEL_TRACES_SAMPLER_ARG: a probability in [0, 1]; anything else is 1 (the spec's default). */
function ratioOf(arg: string | undefined): { ratio: number; warning?: string } {
  if (arg === undefined || arg.trim() === '') return { ratio: 1 };
  const ratio = Number(arg);
  if (Number.isFinite(ratio) && ratio >= 0 && ratio <= 1) return { ratio };
  return { ratio: 1, warning: `OTEL_TRACES_SAMPLER_ARG=${arg} is not a ratio in [0, 1]; using 1` };
}

/**
 * The trace sampler from the standard variables (OTEL_TRACES_SAMPLER, OTEL_TRACES_SAMPLER_ARG),
 * with our default when OTEL_TRACES_SAMPLER is not set:
 * - spans exported (an OTLP endpoint is set): `parentbased_traceidratio`, ratio from
 *   OTEL_TRACES_SAMPLER_ARG or 1 — every trace, as before; production sets a ratio (operations.md);
 * - nothing exported: `parentbased_always_off` — nobody would receive the spans, so none is
 *   recorded. Trace ids still exist (an unsampled span keeps its context): they are on every
 *   log line and travel downstream in `traceparent`, so one request's lines still join up.
 * Parent-based: a request or event that arrives with a sampling decision keeps it, so a
 * trace is whole or absent, never cut at a service boundary.
 */
export function tracesSampler(
  env: Record<string, string | undefined>,
  exporting: boolean,
): TracesSamplerChoice {
  const given = env.OTEL_TRACES_SAMPLER?.trim();
  const name = given || (exporting ? 'parentbased_traceidratio' : 'parentbased_always_off');
  const { ratio, warning } = ratioOf(env.OTEL_TRACES_SAMPLER_ARG);
  const ratioWarning = name.endsWith('traceidratio') && warning ? { warning } : {};
  switch (name) {
    case 'always_on':
      return { name, sampler: new AlwaysOnSampler() };
    case 'always_off':
      return { name, sampler: new AlwaysOffSampler() };
    case 'traceidratio':
      return { name, sampler: new TraceIdRatioBasedSampler(ratio), ...ratioWarning };
    case 'parentbased_always_on':
      return { name, sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }) };
    case 'parentbased_always_off':
      return { name, sampler: new ParentBasedSampler({ root: new AlwaysOffSampler() }) };
    case 'parentbased_traceidratio':
      return {
        name,
        sampler: new ParentBasedSampler({ root: new TraceIdRatioBasedSampler(ratio) }),
        ...ratioWarning,
      };
    default:
      // The specification's answer to an unknown value: the SDK default.
      return {
        name: 'parentbased_always_on',
        sampler: new ParentBasedSampler({ root: new AlwaysOnSampler() }),
        warning: `OTEL_TRACES_SAMPLER=${given} is not a sampler this SDK knows; using parentbased_always_on`,
      };
  }
}
