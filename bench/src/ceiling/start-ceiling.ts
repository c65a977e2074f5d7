// Ceiling servers run as processes of their own, like the services they are compared with,
// so both get the same share of the machine.
import { fork } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '@switchyard/testing';

const here = path.dirname(fileURLToPath(import.meta.url));

/** Start `ceiling/<script>.js` with `env` (and PORT); resolves once it listens. */
export async function startCeiling(script: string, env: Record<string, string>) {
  const port = await freePort();
  const child = fork(path.join(here, `${script}.js`), [], {
    env: { ...process.env, ...env, PORT: String(port) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('message', () => resolve());
    child.once('exit', (code) => reject(new Error(`ceiling server ${script} exited (${code})`)));
  });
  return {
    url: `http://127.0.0.1:${port}`,
    pid: child.pid!,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
