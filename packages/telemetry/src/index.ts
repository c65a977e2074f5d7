export { startTelemetry, shutdownTelemetry } from './sdk.js';
export { tracesSampler, type TracesSamplerChoice } from './traces-sampler.js';
