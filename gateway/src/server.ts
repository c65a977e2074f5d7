import { loadConfigOrExit, runServer } from '@switchyard/service-kit';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { buildGateway } from './app.js';
import { GatewayConfig } from './config.js';

const config = loadConfigOrExit(GatewayConfig);
const app = await buildGateway(config);
app.addHook('onClose', shutdownTelemetry);
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
