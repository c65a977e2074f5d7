// Preload entry: `node --import @switchyard/telemetry/register app.js`. Installs the ESM hook
// that lets instrumentations patch modules, then starts the SDK before the app loads.
import { register } from 'node:module';
import { startTelemetry } from './sdk.js';

register('@opentelemetry/instrumentation/hook.mjs', import.meta.url);
startTelemetry();
