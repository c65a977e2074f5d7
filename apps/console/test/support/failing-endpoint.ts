import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * An integrator's webhook endpoint that is down (answers 500) until `recover()`, then answers
 * 200; it records every status it gave, so a test sees the failed attempts and the good one.
 */
export async function startFailingEndpoint() {
  let failing = true;
  const answers: number[] = [];
  const server: Server = createServer((req, res) => {
    req.resume();
    req.on('end', () => {
      res.statusCode = failing ? 500 : 200;
      answers.push(res.statusCode);
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/hooks`,
    answers,
    recover: () => {
      failing = false;
    },
    close: () => new Promise((resolve) => server.close(resolve)),
  };
}
