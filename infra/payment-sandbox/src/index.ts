export { buildSandbox } from './app.js';
export { SandboxConfig } from './config.js';
export { signWebhook, SIGNATURE_HEADER } from './signature.js';
export { testMethods } from './test-methods.js';
export type { Charge, Refund } from './charges.js';
export type { WebhookEvent, DeliveryRecord } from './webhooks.js';
