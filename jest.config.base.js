// Shared jest setup: TypeScript sources run as ES modules through SWC (no type-check at test
// time; `pnpm typecheck` does that). Tests talk to real Postgres, Redis and Kafka, so they are
// serial and patient.
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const resultsReporter = path.join(
  path.dirname(fileURLToPath(import.meta.url)),
  'jest-results-reporter.js',
);

export default {
  reporters: ['default', resultsReporter],
  testEnvironment: 'node',
  extensionsToTreatAsEsm: ['.ts'],
  transform: {
    '^.+\\.ts$': [
      '@swc/jest',
      {
        jsc: { parser: { syntax: 'typescript' }, target: 'es2022' },
        module: { type: 'es6' },
      },
    ],
  },
  moduleNameMapper: { '^(\\.{1,2}/.*)\\.js$': '$1' },
  testMatch: ['<rootDir>/test/**/*.test.ts'],
  testTimeout: 60_000,
  maxWorkers: 1,
};
