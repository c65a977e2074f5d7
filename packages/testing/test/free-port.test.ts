import { createServer } from 'node:net';
import { ephemeralRangeStart, freePort } from '../src/free-port.js';

function listenOn(port: number): Promise<() => Promise<void>> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () =>
      resolve(() => new Promise<void>((done) => server.close(() => done()))),
    );
  });
}

describe('freePort', () => {
  it('picks a port below the ephemeral range, which outgoing connections never take', async () => {
    const port = await freePort();
    expect(port).toBeGreaterThanOrEqual(20_000);
    expect(port).toBeLessThan(ephemeralRangeStart());
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
