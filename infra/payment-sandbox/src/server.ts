import { loadConfigOrExit, runServer } from '@switchyard/service-kit';
import { buildSandbox } from './app.js';
import { SandboxConfig } from './config.js';

const config = loadConfigOrExit(SandboxConfig);
const app = await buildSandbox(config);
await runServer(app, {
  port: config.PORT,
  host: config.HOST,
  shutdownGraceMs: config.SHUTDOWN_GRACE_MS,
});
