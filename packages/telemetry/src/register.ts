// Preload entry: `node --import @switchyard/telemetry/register app.js`. Installs the ESM hook
// that lets instrumentations patch modules, then starts the SDK before the app loads.
import { register } from 'node:module';
import { startTelemetry } from './sdk.js';

// Only the modules our instrumentations patch go through the hook: intercepting every import
// made start-up about 1.5 s slower, and start-up time is how long a restarted replica is away.
register('@opentelemetry/instrumentation/hook.mjs', import.meta.url, {
  data: { include: ['http', 'node:http', 'https', 'node:https', 'undici'] },
});
startTelemetry();
