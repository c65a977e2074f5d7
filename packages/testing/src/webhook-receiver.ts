import { createHmac, timingSafeEqual } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** Verify a Switchyard webhook the way docs/notifications.md tells integrators to. */
export function verifySwitchyardSignature(
  header: string | undefined,
  rawBody: string,
  secret: string,
  toleranceSeconds = 300,
): boolean {
  if (!header) return false;
  const parts = Object.fromEntries(header.split(',').map((p) => p.split('=') as [string, string]));
  const t = Number(parts.t);
  if (!Number.isInteger(t) || Math.abs(Date.now() / 1000 - t) > toleranceSeconds) return false;
  const expected = createHmac('sha256', secret).update(`${t}.${rawBody}`).digest();
  const given = Buffer.from(parts.v1 ?? '', 'hex');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

export interface Received {
  path: string;
  eventId: string;
  body: string;
  signature: string | undefined;
  answered: number;
}

/**
 * An integrator's endpoint: verifies signatures (401 if wrong), answers 500 to the first
 * `failFirst` deliveries of each event on /flaky and always on /down, and remembers which events
 * it accepted — a second acceptance of one event id would be a duplicate.
 */
export async function startWebhookReceiver(options: { failFirst: number }) {
  const secrets = new Map<string, string>();
  const received: Received[] = [];
  const accepted = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      const path = req.url ?? '/';
      const signature = req.headers['switchyard-signature'] as string | undefined;
      const eventId = String(req.headers['switchyard-event-id']);
      const secret = secrets.get(path) ?? '';
      const seenBefore = received.filter((r) => r.path === path && r.eventId === eventId).length;
      let answered = 200;
      if (!verifySwitchyardSignature(signature, body, secret)) answered = 401;
      else if (path.startsWith('/down')) answered = 500;
      else if (path.startsWith('/flaky') && seenBefore < options.failFirst) answered = 500;
      received.push({ path, eventId, body, signature, answered });
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
    setSecret: (path: string, secret: string) => secrets.set(path, secret),
    close: () => new Promise((r) => server.close(r)),
  };
}
