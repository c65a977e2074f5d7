import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { verifyStandardWebhook } from '@switchyard/testing';

export interface IntegratorReceiver {
  base: string;
  paths: string[];
  setSecret(path: string, secret: string): void;
  /** /flaky answers 503 until this time (ms since epoch): an integrator's outage. */
  failUntil(at: number): void;
  /** Per path: how often each event id was accepted (a deduplicating receiver keeps one). */
  accepted: Map<string, Map<string, number>>;
  /** Deliveries refused because the signature did not verify: must stay 0. */
  badSignatures(): number;
  close(): Promise<void>;
}

/**
 * Two integrators' endpoints as they would run them: each verifies every delivery with the
 * Standard Webhooks library and deduplicates by webhook-id; /flaky is down for a while.
 */
export async function startIntegratorReceiver(): Promise<IntegratorReceiver> {
  const paths = ['/steady', '/flaky'];
  const secrets = new Map<string, string>();
  const accepted = new Map(paths.map((p) => [p, new Map<string, number>()]));
  let failUntil = 0;
  let badSignatures = 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (chunk: Buffer) => (body += chunk.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const seen = accepted.get(path);
      const secret = secrets.get(path);
      if (!seen || !secret) {
        res.statusCode = 404;
        return res.end();
      }
      if (!verifyStandardWebhook(req.headers, body, [secret])) {
        badSignatures++;
        res.statusCode = 401;
        return res.end();
      }
      if (path === '/flaky' && Date.now() < failUntil) {
        res.statusCode = 503;
        return res.end();
      }
      const id = String(req.headers['webhook-id']);
      seen.set(id, (seen.get(id) ?? 0) + 1);
      res.statusCode = 204;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    paths,
    setSecret: (path, secret) => secrets.set(path, secret),
    failUntil: (at) => (failUntil = at),
    accepted,
    badSignatures: () => badSignatures,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
