import { startProcess, waitFor, type RunningProcess } from '@switchyard/testing';
import net from 'node:net';

export interface OwnRedis {
  url: string;
  /** kill -9, then start again empty after `downMs` (no persistence, as a cache often runs). */
  crashAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

const answers = (port: number) =>
  new Promise<boolean>((resolve) => {
    const socket = net.connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** A redis-server of the chaos run's own, so it can be killed and restarted. */
export async function startOwnRedis(port: number): Promise<OwnRedis> {
  const launch = async (): Promise<RunningProcess> => {
    const child = startProcess(
      'redis',
      'redis-server',
      ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'],
      { cwd: process.cwd(), env: {} },
    );
    await waitFor(() => answers(port), { timeoutMs: 10_000, what: `redis on ${port}` });
    return child;
  };
  let current = await launch();
  return {
    url: `redis://127.0.0.1:${port}`,
    async crashAndRestart(downMs) {
      await current.stop('SIGKILL');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      current = await launch();
    },
    stop: async () => {
      await current.stop('SIGTERM');
    },
  };
}
