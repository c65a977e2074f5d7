import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/**
 * Ports are picked below the kernel's ephemeral range on purpose. A port from `listen(0)` comes
 * from that range, and so does the source port of every outgoing connection (to PostgreSQL,
 * Kafka, Redis): between the moment a port is picked and the moment the child process binds it —
 * or binds it again after a test restarted it — a connection may take it, and the child dies
 * with EADDRINUSE (seen in CI: a restarted payment on 127.0.0.1:38995). Below the range only
 * another listener can collide, which the bind check and the per-process set rule out.
 */
const LOWEST = 20_000;
const DEFAULT_EPHEMERAL_START = 32_768;
const ATTEMPTS = 200;
const handedOut = new Set<number>();

/** The first port of the kernel's ephemeral range (Linux), or the IANA default elsewhere. */
export function ephemeralRangeStart(): number {
  try {
    const range = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8');
    const start = Number(range.trim().split(/\s+/)[0]);
    return Number.isInteger(start) && start > LOWEST + 1_000 ? start : DEFAULT_EPHEMERAL_START;
  } catch {
    return DEFAULT_EPHEMERAL_START;
  }
}

function canListen(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
  });
}

/**
 * A TCP port on 127.0.0.1 that is free now, outside the ephemeral range, and not handed out
 * before by this process (a picked port stays unbound until its process starts).
 */
export async function freePort(): Promise<number> {
  const end = ephemeralRangeStart();
  for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
    const port = LOWEST + Math.floor(Math.random() * (end - LOWEST));
    if (handedOut.has(port) || !(await canListen(port))) continue;
    handedOut.add(port);
    return port;
  }
  throw new Error(`no free port between ${LOWEST} and ${end} after ${ATTEMPTS} tries`);
}
