// Where the machine's CPU goes during a phase: CPU seconds per process from /proc, for the
// platform's processes, the Kafka broker, PostgreSQL (all its backends), Redis and this
// process (the load generator). Divided by the work done, it says what one order costs where.
import { readdir, readFile } from 'node:fs/promises';
import path from 'node:path';
import { repoRoot } from '@switchyard/testing';
import type { Stand } from './stand.js';

const TICKS_PER_SECOND = 100; // USER_HZ on Linux

async function cpuSecondsOf(pid: number): Promise<number> {
  try {
    const stat = (await readFile(`/proc/${pid}/stat`, 'utf8')).split(') ')[1]!.split(' ');
    // After the command: utime and stime are fields 14 and 15, here at 11 and 12.
    return (Number(stat[11]) + Number(stat[12])) / TICKS_PER_SECOND;
  } catch {
    return 0; // gone
  }
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
export async function cpuSnapshot(stand: Stand): Promise<CpuSnapshot> {
  const snapshot: CpuSnapshot = new Map();
  const add = (name: string, seconds: number) =>
    snapshot.set(name, (snapshot.get(name) ?? 0) + seconds);
  for (const p of stand.platform.running)
    add(p.name.replace(/-\d+$/, ''), await cpuSecondsOf(p.child.pid!));
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
  // Backends come and go; what exited in between is lost, so pools keep them alive anyway.
  for (const pid of await pidsNamed('postgres')) add('postgres', await cpuSecondsOf(pid));
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
