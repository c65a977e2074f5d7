import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Webhook } from 'standardwebhooks';

/**
 * Verify a delivery as an integrator does: with the Standard Webhooks reference library
 * (`standardwebhooks` on npm), not with our own code. True if any secret verifies it.
 */
export function verifyStandardWebhook(
  headers: IncomingHttpHeaders,
  rawBody: string,
  secrets: string[],
): boolean {
  const wanted = {
    'webhook-id': String(headers['webhook-id'] ?? ''),
    'webhook-timestamp': String(headers['webhook-timestamp'] ?? ''),
    'webhook-signature': String(headers['webhook-signature'] ?? ''),
  };
  return secrets.some((secret) => {
    try {
      new Webhook(secret).verify(rawBody, wanted);
      return true;
    } catch {
      return false;
    }
  });
}

export interface Received {
  path: string;
  eventId: string;
  body: string;
  signature: string | undefined;
  headers: IncomingHttpHeaders;
  answered: number;
}

/**
 * An integrator's endpoint: verifies signatures (401 if wrong), answers 500 to the first
 * `failFirst` deliveries of each event on /flaky and always on /down, and remembers which events
 * it accepted — a second acceptance of one event id would be a duplicate.
 */
export async function startWebhookReceiver(options: { failFirst: number }) {
  const secrets = new Map<string, string[]>();
  const received: Received[] = [];
  const accepted = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const signature = req.headers['webhook-signature'] as string | undefined;
      const eventId = String(req.headers['webhook-id']);
      const seenBefore = received.filter((r) => r.path === path && r.eventId === eventId).length;
      let answered = 200;
      if (!verifyStandardWebhook(req.headers, body, secrets.get(path) ?? [])) answered = 401;
      else if (path.startsWith('/down')) answered = 500;
      else if (path.startsWith('/flaky') && seenBefore < options.failFirst) answered = 500;
      received.push({ path, eventId, body, signature, headers: req.headers, answered });
      if (answered === 200)
        accepted.set(`${path} ${eventId}`, (accepted.get(`${path} ${eventId}`) ?? 0) + 1);
      res.statusCode = answered;
      res.end();
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    base,
    received,
    /** How often each (path, event) was accepted: every value must be 1. */
    accepted,
    /** The receiver learns each endpoint's secret from the registration answer. */
    setSecret: (path: string, secret: string) => secrets.set(path, [secret]),
    /** Accept any of these secrets (an integrator's side of a rotation). */
    setSecrets: (path: string, list: string[]) => secrets.set(path, list),
    close: () => new Promise((r) => server.close(r)),
  };
}
