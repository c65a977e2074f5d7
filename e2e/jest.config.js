import base from '../jest.config.base.js';

/**
 * Files that need only a platform with default options, and leave it as they found it, share
 * one (started by globalSetup, only when one of them is selected); every other file starts a
 * platform of its own, with the options, replicas or faults it needs. A platform start and stop
 * cost ~20 s of the CI machine's two cores, so a new file should share unless it cannot.
 */
const SHARING = [
  'audit',
  'catalog-search',
  'hostile-input',
  'openapi-lint',
  'security',
  'typed-client',
].map((name) => `<rootDir>/test/${name}.test.ts`);

const { reporters, maxWorkers, ...project } = base;
const e2eProject = {
  ...project,
  setupFilesAfterEnv: ['<rootDir>/test/openapi-conformance.setup.ts'],
};

export default {
  reporters,
  maxWorkers,
  testSequencer: '<rootDir>/jest-sequencer.js',
  testTimeout: 120_000,
  projects: [
    {
      ...e2eProject,
      displayName: 'shared platform',
      testMatch: SHARING,
      globalSetup: '<rootDir>/test/shared-platform.setup.ts',
      globalTeardown: '<rootDir>/test/shared-platform.teardown.ts',
    },
    {
      ...e2eProject,
      displayName: 'own platform',
      testPathIgnorePatterns: ['/node_modules/', ...SHARING],
    },
  ],
};
