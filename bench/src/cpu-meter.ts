// Where the machine's CPU goes during a phase: CPU seconds per process from /proc, for the
// platform's processes, the SMTP capture, the Kafka broker, PostgreSQL (every backend, also
// those that exited meanwhile), Redis and this process (the load generator). Divided by the
// work done, it says what one order costs where.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@switchyard/testing';
import type { SagaTarget } from './target.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

/** The fields of /proc/<pid>/stat after the command (field 3 is at index 0). */
async function statOf(pid: number): Promise<string[] | null> {
  try {
    const text = await readFile(`/proc/${pid}/stat`, 'utf8');
    return text.slice(text.lastIndexOf(') ') + 2).split(' ');
  } catch {
    return null; // gone
  }
}

/** CPU seconds (user + system) a process has used so far; 0 once it is gone. */
export async function cpuSecondsOf(pid: number): Promise<number> {
  const stat = await statOf(pid);
  // utime and stime are fields 14 and 15.
  return stat ? (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND : 0;
}

/**
 * CPU of the children a process has reaped (cutime + cstime, fields 16 and 17): for the
 * postmaster, every backend that exited — a pool closing idle connections takes their CPU
 * out of any list of live processes.
 */
async function reapedCpuSecondsOf(pid: number): Promise<number> {
  const stat = await statOf(pid);
  return stat ? (Number(stat[13]) + Number(stat[14])) / TICKS_PER_SECOND : 0;
}

/** The postmaster: the postgres process whose parent is not a postgres process. */
async function postmasterOf(pids: number[]): Promise<number | undefined> {
  const own = new Set(pids);
  for (const pid of pids) {
    const stat = await statOf(pid);
    if (stat && !own.has(Number(stat[1]))) return pid;
  }
  return undefined;
}

async function pidsNamed(command: string): Promise<number[]> {
  const pids: number[] = [];
  for (const entry of await readdir('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if ((await readFile(`/proc/${entry}/comm`, 'utf8')).trim() === command)
        pids.push(Number(entry));
    } catch {
      /* exited meanwhile */
    }
  }
  return pids;
}

export type CpuSnapshot = Map<string, number>;

/** CPU seconds used so far by each part of the stand. */
export async function cpuSnapshot(stand: SagaTarget): Promise<CpuSnapshot> {
  const snapshot: CpuSnapshot = new Map();
  const add = (name: string, seconds: number) =>
    snapshot.set(name, (snapshot.get(name) ?? 0) + seconds);
  for (const p of stand.processes()) add(p.name, await cpuSecondsOf(p.pid));
  try {
    const kafka = Number(
      (
        await readFile(
          path.join(process.env.KAFKA_HOME_DIR ?? path.join(repoRoot(), '.var/kafka'), 'kafka.pid'),
          'utf8',
        )
      ).trim(),
    );
    add('kafka', await cpuSecondsOf(kafka));
  } catch {
    /* not ours to measure */
  }
  const postgres = await pidsNamed('postgres');
  for (const pid of postgres) add('postgres', await cpuSecondsOf(pid));
  const postmaster = await postmasterOf(postgres);
  if (postmaster) add('postgres', await reapedCpuSecondsOf(postmaster));
  for (const pid of await pidsNamed('redis-server')) add('redis', await cpuSecondsOf(pid));
  const own = process.cpuUsage();
  add('load generator', (own.user + own.system) / 1e6);
  return snapshot;
}

/** CPU milliseconds per unit of work between two snapshots, largest first. */
export function cpuPerUnit(
  before: CpuSnapshot,
  after: CpuSnapshot,
  units: number,
): [string, number][] {
  return [...after]
    .map(([name, seconds]): [string, number] => [
      name,
      ((seconds - (before.get(name) ?? 0)) * 1000) / Math.max(1, units),
    ])
    .sort((a, b) => b[1] - a[1]);
}

/** Resident memory (MiB) of each platform process now, and of the SMTP capture. */
export async function rssByProcess(stand: SagaTarget): Promise<[string, number][]> {
  const rss = async (pid: number) => {
    try {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      return Number(/VmRSS:\s+(\d+) kB/.exec(status)?.[1] ?? 0) / 1024;
    } catch {
      return Number.NaN;
    }
  };
  const rows: [string, number][] = [];
  for (const p of stand.processes()) rows.push([p.name, await rss(p.pid)]);
  return rows;
}

/**
 * What of each Node process's memory is V8's heap in use (live objects and garbage not yet
 * collected) and what is outside it (Buffers), in MiB, from the /metrics its URL serves. Absent
 * where that URL serves none: the gateway serves its metrics on a port of their own, and the
 * SMTP capture has none.
 */
export async function heapByProcess(
  stand: SagaTarget,
): Promise<Map<string, { heapUsed: number; external: number }>> {
  const out = new Map<string, { heapUsed: number; external: number }>();
  for (const p of stand.processes()) {
    if (!p.url) continue;
    try {
      const res = await fetch(`${p.url}/metrics`, { signal: AbortSignal.timeout(5_000) });
      if (!res.ok) continue;
      const text = await res.text();
      const mib = (name: string) =>
        Number(new RegExp(`^${name} (\\S+)`, 'm').exec(text)?.[1] ?? Number.NaN) / 2 ** 20;
      out.set(p.name, {
        heapUsed: mib('nodejs_heap_size_used_bytes'),
        external: mib('nodejs_external_memory_bytes'),
      });
    } catch {
      // A process that stopped answering has no figure; its RSS still stands.
    }
  }
  return out;
}
