import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are picked outside the kernel's ephemeral range on purpose. A port from `listen(0)` comes
 * from that range, and so does the source port of every outgoing connection (to PostgreSQL,
 * Kafka, Redis): between the moment a port is picked and the moment the child process binds it —
 * or binds it again after a test restarted it — a connection may take it, and the child dies
 * with EADDRINUSE (seen in CI: a restarted payment on 127.0.0.1:38995). Outside the range only
 * another listener can collide: one already listening fails the bind check, and one picked by
 * this process but not bound yet is in `handedOut`. A suite running at the same time in another
 * process (test.sh runs two) could still pick the same port in the seconds before either binds
 * it; with about 17 000 ports to pick from at random, that is left to chance.
 */
const LOWEST = 20_000;
const HIGHEST = 65_535;
const SMALLEST_RANGE = 1_000;
const ATTEMPTS = 200;
const handedOut = new Set<number>();

type PortRange = { from: number; to: number }; // to excluded

function kernelEphemeralRange(): PortRange {
  try {
    const [from, last] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
      .trim()
      .split(/\s+/)
      .map(Number);
    if (Number.isInteger(from) && Number.isInteger(last)) return { from: from!, to: last! + 1 };
  } catch {
    // not Linux: Linux's default range stands in
  }
  return { from: 32_768, to: 61_000 };
}

/** The ranges freePort picks from: above 20 000 and outside the ephemeral range. */
function portRanges(): PortRange[] {
  const ephemeral = kernelEphemeralRange();
  const ranges = [
    { from: LOWEST, to: ephemeral.from },
    { from: Math.max(LOWEST, ephemeral.to), to: HIGHEST + 1 },
  ].filter((r) => r.to - r.from >= SMALLEST_RANGE);
  if (ranges.length === 0)
    throw new Error(
      `the ephemeral port range ${ephemeral.from}-${ephemeral.to - 1} leaves no room for test ports`,
    );
  return ranges;
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

function randomPortIn(ranges: PortRange[]): number {
  const total = ranges.reduce((sum, r) => sum + (r.to - r.from), 0);
  let offset = Math.floor(Math.random() * total);
  for (const { from, to } of ranges) {
    if (offset < to - from) return from + offset;
    offset -= to - from;
  }
  throw new Error('unreachable: offset within the ranges');
}

/**
 * A TCP port on 127.0.0.1 that is free now, outside the ephemeral range, and not handed out
 * before by this process (a picked port stays unbound until its process starts).
 */
export async function freePort(): Promise<number> {
  const ranges = portRanges();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = randomPortIn(ranges);
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port outside the ephemeral range after ${ATTEMPTS} tries`);
}
