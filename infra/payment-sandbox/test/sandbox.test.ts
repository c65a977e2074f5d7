import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { waitFor } from '@switchyard/testing';
import { loadConfig } from '@switchyard/service-kit';
import { buildSandbox, SandboxConfig, type WebhookEvent } from '../src/index.js';

const apiKey = 'sk_test_sandbox_suite';
const secret = 'whsec_sandbox_suite_secret';

describe('payment-provider sandbox', () => {
  let receiver: Server;
  const received: { signature: string; body: string }[] = [];
  let sandbox: Awaited<ReturnType<typeof buildSandbox>>;
  let answer = 200;
  const holding = new Map<string, { arrived: () => void; until: Promise<void> }>();

  beforeAll(async () => {
    receiver = createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ signature: String(req.headers['sandbox-signature']), body });
        res.statusCode = answer;
        res.end();
      });
    });
    await new Promise<void>((r) => receiver.listen(0, '127.0.0.1', r));
    const port = (receiver.address() as AddressInfo).port;
    sandbox = await buildSandbox(
      loadConfig(SandboxConfig, {
        PORT: '0',
        LOG_LEVEL: 'silent',
        SANDBOX_API_KEY: apiKey,
        SANDBOX_WEBHOOK_SECRET: secret,
        SANDBOX_WEBHOOK_URL: `http://127.0.0.1:${port}/hooks`,
        SANDBOX_WEBHOOK_RETRY_MS: '20',
        SANDBOX_DELAY_MS: '50',
      }),
    );
    // A charge request held between its arrival and its handling, as a slow provider would.
    sandbox.addHook('preHandler', async (request) => {
      const key = String(request.headers['idempotency-key']);
      const held = holding.get(key);
      if (!held) return;
      held.arrived();
      await held.until;
    });
  });
  afterAll(async () => {
    await sandbox.close();
    await new Promise((r) => receiver.close(r));
  });

  const charge = (key: string, body: Record<string, unknown>) =>
    sandbox.inject({
      method: 'POST',
      url: '/v1/charges',
      headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': key },
      payload: { amount: 1000, currency: 'EUR', ...body },
    });
  const eventsOf = (chargeId: string) =>
    received
      .map((r) => ({ ...r, event: JSON.parse(r.body) as WebhookEvent }))
      .filter((r) => r.event.data.object.id === chargeId);

  it('refuses a request without the secret key', async () => {
    const res = await sandbox.inject({ method: 'GET', url: '/v1/charges' });
    expect(res.statusCode).toBe(401);
  });

  it('charges once per idempotency key and refuses the key with other parameters', async () => {
    const first = await charge('key-1', { payment_method: 'pm_card_visa' });
    const again = await charge('key-1', { payment_method: 'pm_card_visa' });
    expect(first.statusCode).toBe(200);
    expect(first.json()).toMatchObject({ status: 'succeeded', amount: 1000 });
    expect(again.json().id).toBe(first.json().id);
    const other = await charge('key-1', { payment_method: 'pm_card_visa', amount: 5 });
    expect(other.statusCode).toBe(422);
  });

  it('declines the test cards that decline, and unknown methods', async () => {
    expect((await charge('key-2', { payment_method: 'pm_card_declined' })).json()).toMatchObject({
      status: 'failed',
      failure_code: 'card_declined',
    });
    expect(
      (await charge('key-3', { payment_method: 'pm_card_insufficient_funds' })).json(),
    ).toMatchObject({ status: 'failed', failure_code: 'insufficient_funds' });
    expect((await charge('key-4', { payment_method: 'pm_nope' })).json().status).toBe('failed');
  });

  it('fails twice with a 5xx for pm_card_provider_error, then charges', async () => {
    const statuses = [];
    for (let i = 0; i < 3; i++)
      statuses.push(
        (await charge('key-5', { payment_method: 'pm_card_provider_error' })).statusCode,
      );
    expect(statuses).toEqual([503, 503, 200]);
  });

  it('stamps a charge with when its request arrived (requested_ms), before it was made (created_ms)', async () => {
    let arrived!: () => void;
    let letGo!: () => void;
    const arrival = new Promise<void>((resolve) => (arrived = resolve));
    holding.set('key-held', { arrived, until: new Promise((resolve) => (letGo = resolve)) });
    const answer = charge('key-held', { payment_method: 'pm_card_visa' });
    await arrival;
    await new Promise((resolve) => setTimeout(resolve, 5)); // let the clock move on
    const between = Date.now();
    letGo();
    const made = (await answer).json() as { requested_ms: number; created_ms: number };
    expect(made.requested_ms).toBeLessThan(between);
    expect(made.created_ms).toBeGreaterThanOrEqual(between);
    // The list (what the consistency check reads) carries it too.
    const listed = await sandbox.inject({
      method: 'GET',
      url: '/v1/charges?limit=100',
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(listed.json().data).toContainEqual(expect.objectContaining(made));
  });

  it('answers a redirect for pm_card_redirect', async () => {
    const res = await charge('key-6', { payment_method: 'pm_card_redirect' });
    expect(res.statusCode).toBe(307);
  });

  it('signs webhooks over the timestamp and body, and retries when the endpoint fails', async () => {
    answer = 500;
    const created = (await charge('key-7', { payment_method: 'pm_card_delayed' })).json();
    expect(created.status).toBe('pending');
    await waitFor(async () => eventsOf(created.id).length >= 2, { what: 'a retried webhook' });
    answer = 200;
    const [delivery] = eventsOf(created.id);
    const [, t, v1] = /^t=(\d+),v1=([0-9a-f]{64})$/.exec(delivery!.signature)!;
    expect(createHmac('sha256', secret).update(`${t}.${delivery!.body}`).digest('hex')).toBe(v1);
    expect(delivery!.event).toMatchObject({ type: 'charge.succeeded' });
  });

  it('sends pm_card_duplicate_webhook events twice with the same id', async () => {
    const created = (await charge('key-8', { payment_method: 'pm_card_duplicate_webhook' })).json();
    await waitFor(async () => eventsOf(created.id).length === 2, { what: 'two deliveries' });
    const [a, b] = eventsOf(created.id);
    expect(a!.event.id).toBe(b!.event.id);
  });

  it('sends a refund before its charge for pm_card_webhooks_out_of_order', async () => {
    const created = (
      await charge('key-9', { payment_method: 'pm_card_webhooks_out_of_order' })
    ).json();
    await waitFor(async () => eventsOf(created.id).length === 2, { what: 'both webhooks' });
    expect(eventsOf(created.id).map((d) => d.event.type)).toEqual([
      'charge.refunded',
      'charge.succeeded',
    ]);
  });

  it('refunds up to what was captured, idempotently', async () => {
    const created = (await charge('key-10', { payment_method: 'pm_card_visa' })).json();
    const refund = (key: string, amount: number) =>
      sandbox.inject({
        method: 'POST',
        url: `/v1/charges/${created.id}/refunds`,
        headers: { authorization: `Bearer ${apiKey}`, 'idempotency-key': key },
        payload: { amount },
      });
    expect((await refund('r-1', 600)).statusCode).toBe(200);
    expect((await refund('r-1', 600)).statusCode).toBe(200);
    expect((await refund('r-2', 500)).statusCode).toBe(422);
    expect((await refund('r-3', 400)).statusCode).toBe(200);
    const after = await sandbox.inject({
      url: `/v1/charges/${created.id}`,
      headers: { authorization: `Bearer ${apiKey}` },
    });
    expect(after.json()).toMatchObject({ amount_refunded: 1000 });
    expect(after.json().refunds).toHaveLength(2);
  });

  it('lists charges oldest first, page by page', async () => {
    const page = (after?: string) =>
      sandbox.inject({
        url: `/v1/charges?limit=2${after ? `&starting_after=${after}` : ''}`,
        headers: { authorization: `Bearer ${apiKey}` },
      });
    const seen: string[] = [];
    let after: string | undefined;
    for (;;) {
      const body = (await page(after)).json();
      seen.push(...body.data.map((c: { id: string }) => c.id));
      if (!body.has_more) break;
      after = seen.at(-1);
    }
    expect(new Set(seen).size).toBe(seen.length);
    expect(seen.length).toBeGreaterThanOrEqual(8);
  });
});

describe('payment-provider sandbox restarted', () => {
  it('still knows its charges and idempotency keys after a restart (no second charge)', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sandbox-')), 'ledger.jsonl');
    const config = loadConfig(SandboxConfig, {
      PORT: '0',
      LOG_LEVEL: 'silent',
      SANDBOX_API_KEY: apiKey,
      SANDBOX_DATA_FILE: file,
    });
    const headers = { authorization: `Bearer ${apiKey}`, 'idempotency-key': 'order-42' };
    const payload = { amount: 1200, currency: 'EUR', payment_method: 'pm_card_visa' };

    const first = await buildSandbox(config);
    const made = await first.inject({ method: 'POST', url: '/v1/charges', headers, payload });
    expect(made.statusCode).toBe(200);
    await first.inject({
      method: 'POST',
      url: `/v1/charges/${made.json().id}/refunds`,
      headers: { ...headers, 'idempotency-key': 'refund-1' },
      payload: { amount: 200 },
    });
    await first.close();

    const second = await buildSandbox(config);
    const known = await second.inject({ url: `/v1/charges/${made.json().id}`, headers });
    expect(known.statusCode).toBe(200);
    expect(known.json()).toMatchObject({ status: 'succeeded', amount_refunded: 200 });
    const again = await second.inject({ method: 'POST', url: '/v1/charges', headers, payload });
    expect(again.json().id).toBe(made.json().id);
    const list = await second.inject({ url: '/v1/charges?limit=10', headers });
    expect(list.json().data).toHaveLength(1);
    await second.close();
  });

  it('settles a delayed charge that was pending when it died, as a real provider would', async () => {
    // Found by the chaos run: the settlement timer lived only in memory, so a charge made just
    // before a kill -9 stayed pending for ever and its order with it.
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'sandbox-')), 'ledger.jsonl');
    const config = loadConfig(SandboxConfig, {
      PORT: '0',
      LOG_LEVEL: 'silent',
      SANDBOX_API_KEY: apiKey,
      SANDBOX_DATA_FILE: file,
      SANDBOX_DELAY_MS: '300',
    });
    const headers = { authorization: `Bearer ${apiKey}`, 'idempotency-key': 'order-43' };
    const first = await buildSandbox(config);
    const made = await first.inject({
      method: 'POST',
      url: '/v1/charges',
      headers,
      payload: { amount: 900, currency: 'EUR', payment_method: 'pm_card_delayed' },
    });
    expect(made.json().status).toBe('pending');
    await first.close(); // before the delay is over

    const second = await buildSandbox(config);
    try {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      const known = await second.inject({ url: `/v1/charges/${made.json().id}`, headers });
      expect(known.json()).toMatchObject({ status: 'succeeded' });
    } finally {
      await second.close();
    }
  });
});
