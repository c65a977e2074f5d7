import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const run = promisify(execFile);
const dist = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../dist/index.js');

/**
 * Jest's module interop finds every export of a CommonJS package; Node's ESM loader does not
 * (kafkajs's ACL enums are invisible to it as named imports), and a service then dies at start.
 * So the built entry point is loaded the way a service loads it.
 */
describe('the built package', () => {
  it('loads as a service loads it (Node ESM, no test interop)', async () => {
    const { stdout } = await run(process.execPath, [
      '--input-type=module',
      '-e',
      `const m = await import(${JSON.stringify(dist)}); console.log(typeof m.grantKafkaAcls, typeof m.createProducer);`,
    ]);
    expect(stdout.trim()).toBe('function function');
  });
});
