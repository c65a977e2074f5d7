import { ROOT_CONTEXT, SpanKind, trace, TraceFlags } from '@opentelemetry/api';
import { SamplingDecision } from '@opentelemetry/sdk-trace-base';
import { tracesSampler } from '../src/traces-sampler.js';

// The SDK folds a trace id into 32 bits (XOR of its four 8-digit parts): this one folds to the
// highest value, sampled by no ratio below 1; the next folds to 1, sampled by any ratio above 0.
const TRACE_ID = 'ffffffff000000000000000000000000';
const LOW_TRACE_ID = '00000000000000000000000000000001';

/** The sampler's decision for a root span, or for a child of a parent sampled or not. */
function decide(
  choice: ReturnType<typeof tracesSampler>,
  options: { traceId?: string; parentSampled?: boolean } = {},
): SamplingDecision {
  const traceId = options.traceId ?? TRACE_ID;
  const context =
    options.parentSampled === undefined
      ? ROOT_CONTEXT
      : trace.setSpanContext(ROOT_CONTEXT, {
          traceId,
          spanId: '0123456789abcdef',
          traceFlags: options.parentSampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
          isRemote: true,
        });
  return choice.sampler.shouldSample(context, traceId, 'GET', SpanKind.SERVER, {}, []).decision;
}

describe('tracesSampler', () => {
  it('records every trace by default when spans are exported (parent-based, ratio 1)', () => {
    const choice = tracesSampler({}, true);
    expect(choice.name).toBe('parentbased_traceidratio');
    expect(decide(choice)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    expect(decide(choice, { parentSampled: false })).toBe(SamplingDecision.NOT_RECORD);
  });

  it('records nothing new by default when nothing is exported, but follows a sampled parent', () => {
    const choice = tracesSampler({}, false);
    expect(choice.name).toBe('parentbased_always_off');
    expect(decide(choice)).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(choice, { parentSampled: true })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });

  it('honours OTEL_TRACES_SAMPLER=parentbased_traceidratio with OTEL_TRACES_SAMPLER_ARG', () => {
    const env = { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '0.1' };
    const choice = tracesSampler(env, true);
    expect(choice.warning).toBeUndefined();
    expect(decide(choice, { traceId: TRACE_ID })).toBe(SamplingDecision.NOT_RECORD);
    expect(decide(choice, { traceId: LOW_TRACE_ID })).toBe(SamplingDecision.RECORD_AND_SAMPLED);
    // A decision made upstream stands, whatever this process's ratio.
    expect(decide(choice, { traceId: TRACE_ID, parentSampled: true })).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(decide(choice, { traceId: LOW_TRACE_ID, parentSampled: false })).toBe(
      SamplingDecision.NOT_RECORD,
    );
  });

  it('honours the other standard samplers, also without an exporter', () => {
    expect(decide(tracesSampler({ OTEL_TRACES_SAMPLER: 'always_on' }, false))).toBe(
      SamplingDecision.RECORD_AND_SAMPLED,
    );
    expect(decide(tracesSampler({ OTEL_TRACES_SAMPLER: 'always_off' }, true))).toBe(
      SamplingDecision.NOT_RECORD,
    );
    const ratio = tracesSampler(
      { OTEL_TRACES_SAMPLER: 'traceidratio', OTEL_TRACES_SAMPLER_ARG: '0' },
      true,
    );
    expect(decide(ratio, { parentSampled: true })).toBe(SamplingDecision.NOT_RECORD);
  });

  it('falls back to the specification defaults, with a warning, on values it cannot use', () => {
    const unknown = tracesSampler({ OTEL_TRACES_SAMPLER: 'jaeger_remote' }, false);
    expect(unknown.name).toBe('parentbased_always_on');
    expect(unknown.warning).toMatch(/OTEL_TRACES_SAMPLER=jaeger_remote/);
    const badRatio = tracesSampler(
      { OTEL_TRACES_SAMPLER: 'parentbased_traceidratio', OTEL_TRACES_SAMPLER_ARG: '7' },
      true,
    );
    expect(badRatio.warning).toMatch(/OTEL_TRACES_SAMPLER_ARG=7/);
    expect(decide(badRatio)).toBe(SamplingDecision.RECORD_AND_SAMPLED);
  });
});
