import { loadConfigOrExit, runServer, startMetricsServer } from '@switchyard/service-kit';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { buildGateway } from './app.js';
import { GatewayConfig } from './config.js';

const config = loadConfigOrExit(GatewayConfig);
const app = await buildGateway(config);
const metricsServer = await startMetricsServer({ host: config.HOST, port: config.METRICS_PORT });
app.addHook('onClose', metricsServer.close);
app.addHook('onClose', shutdownTelemetry);
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
