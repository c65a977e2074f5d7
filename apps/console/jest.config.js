import base from '../../jest.config.base.js';

// One browser test drives the built console through a real platform (test/console.test.ts).
export default { ...base, testTimeout: 120_000 };
