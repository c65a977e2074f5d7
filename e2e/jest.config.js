import base from '../jest.config.base.js';
export default {
  ...base,
  testTimeout: 120_000,
  setupFilesAfterEnv: ['<rootDir>/test/openapi-conformance.setup.ts'],
};
