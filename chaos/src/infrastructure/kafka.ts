import { execFile } from 'node:child_process';
import { readFile, rm } from 'node:fs/promises';
import path from 'node:path';
import { promisify } from 'node:util';
import { repoRoot, waitFor } from '@switchyard/testing';

const run = promisify(execFile);

export interface OwnKafka {
  brokers: string[];
  /** kill -9 of the broker; it stays down until start(). */
  kill(): Promise<void>;
  start(): Promise<void>;
  stop(): Promise<void>;
}

/**
 * An Apache Kafka broker of the chaos run's own (infra/kafka/start.sh on other ports and its
 * own data directory, sharing the downloaded jars), so the run can kill -9 it.
 */
export async function startOwnKafka(
  dir: string,
  ports: { broker: number; controller: number },
): Promise<OwnKafka> {
  const script = (name: string) => path.join(repoRoot(), 'infra/kafka', name);
  const env = {
    ...process.env,
    KAFKA_PORT: String(ports.broker),
    KAFKA_CONTROLLER_PORT: String(ports.controller),
    KAFKA_HOME_DIR: dir,
    KAFKA_SKIP_TOPICS: '1',
  };
  const start = async () => {
    await run('bash', [script('start.sh')], { env, timeout: 300_000 });
  };
  const pid = async () => Number((await readFile(path.join(dir, 'kafka.pid'), 'utf8')).trim());
  const alive = (id: number) => {
    try {
      process.kill(id, 0);
      return true;
    } catch {
      return false;
    }
  };
  await rm(dir, { recursive: true, force: true });
  await start();
  return {
    brokers: [`127.0.0.1:${ports.broker}`],
    async kill() {
      const id = await pid();
      process.kill(id, 'SIGKILL');
      await waitFor(async () => !alive(id), { timeoutMs: 10_000, what: 'the broker gone' });
    },
    start,
    async stop() {
      await run('bash', [script('stop.sh')], { env }).catch(() => undefined);
    },
  };
}
