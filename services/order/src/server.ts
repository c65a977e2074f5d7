import { kafkaCredentialsRule, loadConfigOrExit, runServer } from '@switchyard/service-kit';
import { shutdownTelemetry } from '@switchyard/telemetry';
import { buildApp } from './app.js';
import { automationScheduleRule } from './automation/automation-config.js';
import { OrderConfig } from './config.js';

const config = loadConfigOrExit(OrderConfig, [kafkaCredentialsRule, automationScheduleRule]);
const app = await buildApp(config);
app.addHook('onClose', shutdownTelemetry);
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
