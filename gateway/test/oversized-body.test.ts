import { createServer, type Server } from 'node:http';
import net, { type AddressInfo } from 'node:net';
import type { App } from '@switchyard/service-kit';
import { startJwksServer, type JwksServer } from '@switchyard/testing';
import { startTestGateway } from './support.js';

/**
 * A body declared over the limit is answered 413 — and the client, still sending it, must be
 * able to read that answer. Here the client sends its body in two parts with a pause between
 * (a slow network, a loaded host): the gateway must not close the connection under it.
 */
describe('gateway: a body over the limit, sent slowly', () => {
  let gateway: App;
  let jwks: JwksServer;
  let upstream: Server;
  let port: number;

  beforeAll(async () => {
    jwks = await startJwksServer();
    upstream = createServer((req, res) => req.resume().on('end', () => res.end('{}')));
    await new Promise<void>((resolve) => upstream.listen(0, '127.0.0.1', resolve));
    const url = `http://127.0.0.1:${(upstream.address() as AddressInfo).port}`;
    ({ gateway, port } = await startTestGateway(jwks, url));
  });
  afterAll(async () => {
    await gateway.close();
    await jwks.close();
    upstream.close();
  });

  it('reads it to the end and answers 413 problem+json', async () => {
    const body = Buffer.alloc(1024 * 1024, 'a'); // 1 MiB, over the default 256 KiB
    const socket = net.connect(port, '127.0.0.1');
    const received: Buffer[] = [];
    socket.on('data', (chunk) => received.push(chunk));
    const failure = new Promise<Error>((resolve) => socket.on('error', resolve));
    await new Promise((resolve) => socket.once('connect', resolve));
    socket.write(
      'POST /v1/auth/login HTTP/1.1\r\nhost: localhost\r\ncontent-type: application/json\r\n' +
        `content-length: ${body.length}\r\n\r\n`,
    );
    socket.write(body.subarray(0, 64 * 1024));
    await new Promise((resolve) => setTimeout(resolve, 300));
    const written = new Promise<void>((resolve, reject) =>
      socket.write(body.subarray(64 * 1024), (error) => (error ? reject(error) : resolve())),
    );
    const outcome = await Promise.race([written.then(() => null), failure]);
    expect(outcome).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    socket.destroy();
    const answer = Buffer.concat(received).toString('latin1');
    expect(answer).toMatch(/^HTTP\/1\.1 413 /);
    expect(answer).toMatch(/content-type: application\/problem\+json/i);
  });
});
