export { buildSandbox } from './app.js';
export { SandboxConfig } from './config.js';
export { API_VERSION, type SandboxEvent } from './events.js';
export { signWebhook, SIGNATURE_HEADER } from './signature.js';
export { testMethods, type TestMethod } from './test-methods.js';
export type { SandboxCharge } from './objects/charge.js';
export type { DeliveryRecord } from './webhooks.js';
