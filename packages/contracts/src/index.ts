export * from './money.js';
export * from './topics.js';
export * from './events.js';
export * from './billing-events.js';
export * from './account-events.js';
export * from './envelope.js';
export * from './topic-access.js';
export * from './automation-events.js';
