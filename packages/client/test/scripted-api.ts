import { createServer, type IncomingHttpHeaders, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Received {
  method: string;
  url: string;
  headers: IncomingHttpHeaders;
  body: string;
}

/**
 * A real HTTP server answering as the test scripts it, standing in for the gateway where a test
 * needs answers the platform gives only under faults (a 503, a dropped connection). The client's
 * behaviour against the real platform is in e2e/test/typed-client.test.ts.
 */
export async function startScriptedApi(
  answer: (request: Received, res: ServerResponse, index: number) => void,
) {
  const received: Received[] = [];
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const request = { method: req.method ?? '', url: req.url ?? '', headers: req.headers, body };
      received.push(request);
      answer(request, res, received.length - 1);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    baseUrl: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    received,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export const json = (
  res: ServerResponse,
  status: number,
  body: unknown,
  type = 'application/json',
) => res.writeHead(status, { 'content-type': type }).end(JSON.stringify(body));
