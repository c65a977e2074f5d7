import { spawn, type ChildProcess } from 'node:child_process';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';

export interface RunningProcess {
  name: string;
  child: ChildProcess;
  /** Everything the process printed, for failure messages. */
  output(): string;
  stop(signal?: NodeJS.Signals): Promise<number | null>;
}

/** Start a real child process, keeping its output; stop() sends SIGTERM and waits. */
export function startProcess(
  name: string,
  command: string,
  args: string[],
  options: { cwd: string; env: Record<string, string> },
): RunningProcess {
  const child = spawn(command, args, {
    cwd: options.cwd,
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let buffer = '';
  // TEST_PROCESS_LOG_DIR keeps every line too (the buffer keeps only the tail), for a failure
  // that needs a process's whole story.
  const logDir = process.env.TEST_PROCESS_LOG_DIR;
  const file = logDir ? openLog(logDir, `${name}-${child.pid}.log`) : null;
  const keep = (chunk: Buffer) => {
    file?.write(chunk);
    buffer += chunk.toString();
    if (buffer.length > 200_000) buffer = buffer.slice(-100_000);
  };
  child.stdout?.on('data', keep);
  child.stderr?.on('data', keep);
  const exited = new Promise<number | null>((resolve) =>
    child.once('exit', (code) => {
      file?.end();
      resolve(code);
    }),
  );
  return {
    name,
    child,
    output: () => buffer,
    async stop(signal = 'SIGTERM') {
      if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
      child.kill(signal);
      const timer = setTimeout(() => child.kill('SIGKILL'), 20_000);
      const code = await exited;
      clearTimeout(timer);
      return code;
    },
  };
}

function openLog(dir: string, file: string) {
  mkdirSync(dir, { recursive: true });
  return createWriteStream(join(dir, file));
}
