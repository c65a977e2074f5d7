// Where a process spends its CPU: the top self-time functions of a V8 .cpuprofile
// (written by `node --cpu-prof`), grouped by function and file so the table reads like a profile.
import { readFile, readdir } from 'node:fs/promises';
import path from 'node:path';

interface ProfileNode {
  id: number;
  callFrame: { functionName: string; url: string; lineNumber: number };
  children?: number[];
}
interface CpuProfile {
  startTime: number;
  nodes: ProfileNode[];
  samples: number[];
  timeDeltas: number[];
}

export interface CostLine {
  /** Function and where it lives (package or file), e.g. `verify (jose/…/ecdsa.js)`. */
  what: string;
  /** Share of all samples spent in this function itself (not its callees). */
  selfShare: number;
}

export interface ProfileSummary {
  file: string;
  /** CPU busy share of the window (1 − idle), i.e. how much of one core the process used. */
  busyShare: number;
  /** Share of samples in which the process was idle (waiting for I/O). */
  idleShare: number;
  top: CostLine[];
  /** Self time per package (node_modules package, our own code, Node internals, GC). */
  byPackage: CostLine[];
  /**
   * The same, with the work Node does for a package (a socket write, a timer, a microtask)
   * charged to the nearest package up the stack that asked for it: `pg` then includes the
   * system calls that send its queries. Our own code is named by workspace package.
   */
  byCaller: CostLine[];
}

function shortUrl(url: string): string {
  if (!url) return 'native';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    const pkg = rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : rest[0];
    return `${pkg}/…/${rest[rest.length - 1]}`;
  }
  const marker = url.indexOf('/switchyard/') >= 0 ? '/switchyard/' : '/work/';
  const at = url.indexOf(marker);
  return at >= 0 ? url.slice(at + marker.length) : url.replace(/^file:\/\//, '');
}

function packageOf(url: string, name: string): string {
  if (!url) return name.startsWith('(') ? name : 'native';
  const modules = url.lastIndexOf('node_modules/');
  if (modules >= 0) {
    const rest = url.slice(modules + 'node_modules/'.length).split('/');
    return rest[0]?.startsWith('@') ? `${rest[0]}/${rest[1]}` : (rest[0] ?? url);
  }
  if (url.startsWith('node:')) return 'node internals';
  return 'our code';
}

/** A frame's owner for `byCaller`: a package, a workspace package of ours, or null (Node's). */
function callerOf(url: string): string | null {
  if (!url || url.startsWith('node:')) return null;
  if (url.lastIndexOf('node_modules/') >= 0) return packageOf(url, '');
  const ours = /\/(services|packages|gateway|infra|bench)\/([^/]+)\//.exec(url);
  if (!ours) return 'our code';
  return ours[1] === 'gateway' ? 'gateway (ours)' : `${ours[1]}/${ours[2]}`;
}

/** A time window on the monotonic clock, in microseconds (what V8 profiles use). */
export interface Window {
  fromMicros: number;
  toMicros: number;
}

/** Now on the clock V8's profiler uses (CLOCK_MONOTONIC), in microseconds. */
export function monotonicMicros(): number {
  return Number(process.hrtime.bigint() / 1000n);
}

function ranked(costs: Map<string, number>, total: number, count: number): CostLine[] {
  return [...costs.entries()]
    .sort((a, b) => b[1] - a[1])
    .slice(0, count)
    .map(([what, weight]) => ({ what, selfShare: weight / total }));
}

/**
 * Summarise one profile, only the samples inside `window` when given (the load, not start-up):
 * idle share, the `count` costliest functions by self time, and self time per package.
 */
export async function summariseProfile(
  file: string,
  count = 5,
  window?: Window,
): Promise<ProfileSummary> {
  const profile = JSON.parse(await readFile(file, 'utf8')) as CpuProfile;
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parentOf = new Map<number, number>();
  for (const n of profile.nodes) for (const child of n.children ?? []) parentOf.set(child, n.id);
  const self = new Map<string, number>();
  const packages = new Map<string, number>();
  const callers = new Map<string, number>();
  const charged = (id: number): string => {
    for (let at: number | undefined = id; at !== undefined; at = parentOf.get(at)) {
      const owner = callerOf(byId.get(at)?.callFrame.url ?? '');
      if (owner) return owner;
    }
    const name = byId.get(id)?.callFrame.functionName ?? '';
    return name.startsWith('(') ? name : 'node (no package on the stack)';
  };
  let idle = 0;
  let total = 0;
  let at = profile.startTime;
  profile.samples.forEach((id, i) => {
    const weight = profile.timeDeltas[i] ?? 0;
    at += weight;
    if (window && (at < window.fromMicros || at > window.toMicros)) return;
    const node = byId.get(id);
    if (!node) return;
    total += weight;
    const name = node.callFrame.functionName || '(anonymous)';
    if (name === '(idle)') {
      idle += weight;
      return;
    }
    const key = `${name} (${shortUrl(node.callFrame.url)})`;
    self.set(key, (self.get(key) ?? 0) + weight);
    const pkg = packageOf(node.callFrame.url, name);
    packages.set(pkg, (packages.get(pkg) ?? 0) + weight);
    const caller = charged(id);
    callers.set(caller, (callers.get(caller) ?? 0) + weight);
  });
  total = Math.max(total, 1);
  return {
    file,
    busyShare: 1 - idle / total,
    idleShare: idle / total,
    top: ranked(self, total, count),
    byPackage: ranked(packages, total, count),
    byCaller: ranked(callers, total, 12),
  };
}

/**
 * The main thread's profile in a directory: node writes one per thread (the ESM loader's
 * hook thread too), and the main thread's is the first one written for the process.
 */
export async function mainThreadProfile(dir: string): Promise<string | null> {
  const files = (await readdir(dir)).filter((f) => f.endsWith('.cpuprofile'));
  const main = files.filter((f) => /\.0\.\d+\.cpuprofile$/.test(f)).sort();
  const chosen = main[0] ?? files.sort()[0];
  return chosen ? path.join(dir, chosen) : null;
}
