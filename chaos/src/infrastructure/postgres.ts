import { execFile } from 'node:child_process';
import { mkdir, rm, chown } from 'node:fs/promises';
import { readdirSync } from 'node:fs';
import path from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);

export interface OwnPostgres {
  url: string;
  /** Crash it (`pg_ctl stop -m immediate`: every backend dies, no checkpoint), then start it. */
  crashAndRestart(downMs: number): Promise<void>;
  stop(): Promise<void>;
}

/** The server binaries of the newest PostgreSQL installed (Debian keeps them off PATH). */
function binDir(): string {
  const root = '/usr/lib/postgresql';
  const versions = readdirSync(root).sort((a, b) => Number(b) - Number(a));
  if (!versions.length) throw new Error('no PostgreSQL server binaries under /usr/lib/postgresql');
  return path.join(root, versions[0]!, 'bin');
}

/**
 * A PostgreSQL cluster of the chaos run's own, on its own port and data directory, so the
 * run can crash and restart a real server without touching the machine's shared one.
 * PostgreSQL refuses to run as root; as root it runs as the `postgres` system user.
 */
export async function startOwnPostgres(dir: string, port: number): Promise<OwnPostgres> {
  const bin = binDir();
  const asRoot = process.getuid?.() === 0;
  const pg = (tool: string, args: string[]) =>
    asRoot
      ? run('runuser', ['-u', 'postgres', '--', path.join(bin, tool), ...args])
      : run(path.join(bin, tool), args);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  if (asRoot) {
    const { stdout } = await run('id', ['-u', 'postgres']);
    const { stdout: gid } = await run('id', ['-g', 'postgres']);
    await chown(dir, Number(stdout.trim()), Number(gid.trim()));
  }
  const data = path.join(dir, 'data');
  await pg('initdb', ['-D', data, '-U', 'postgres', '--auth=trust', '-E', 'UTF8', '--no-sync']);
  const options = [
    `-p ${port}`,
    '-c listen_addresses=127.0.0.1',
    "-c unix_socket_directories=''",
    // Two replicas of three services, each with its pools, plus the harness's own checks.
    '-c max_connections=400',
  ].join(' ');
  const start = () =>
    pg('pg_ctl', ['-D', data, '-o', options, '-l', path.join(dir, 'postgres.log'), '-w', 'start']);
  const stop = (mode: 'fast' | 'immediate') =>
    pg('pg_ctl', ['-D', data, '-m', mode, '-w', 'stop']).then(() => undefined);
  await start();
  return {
    url: `postgresql://postgres@127.0.0.1:${port}/postgres`,
    async crashAndRestart(downMs) {
      await stop('immediate');
      await new Promise((resolve) => setTimeout(resolve, downMs));
      await start();
    },
    stop: () => stop('fast').catch(() => undefined),
  };
}
