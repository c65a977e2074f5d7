export { startTelemetry, shutdownTelemetry } from './sdk.js';
