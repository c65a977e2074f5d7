import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../src/free-port.js';

function listenOn(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise<void>((done) => server.close(() => done()))),
    );
  });
}

/** The kernel's own figures, read here rather than through the code under test. */
function ephemeralRange(): [number, number] {
  const [from, to] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8')
    .trim()
    .split(/\s+/)
    .map(Number);
  return [from!, to!];
}

describe('freePort', () => {
  it('picks ports outside the ephemeral range, which outgoing connections never take', async () => {
    const [from, to] = ephemeralRange();
    for (let i = 0; i < 50; i++) {
      const port = await freePort();
      expect(port < from || port > to).toBe(true);
    }
  });

  it('picks a port a server can then listen on', async () => {
    const close = await listenOn(await freePort());
    await close();
  });

  it('never hands out the same port twice in one process, though nothing listens on it yet', async () => {
    const ports = [];
    for (let i = 0; i < 100; i++) ports.push(await freePort());
    expect(new Set(ports).size).toBe(100);
  });
});
