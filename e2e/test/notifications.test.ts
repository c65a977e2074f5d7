// Every notification channel for real, through the gateway: the captured email (text and
// HTML), the inbox, a live event stream that resumes after a reconnect, and signed webhooks
// received by an endpoint written as an integrator would write it.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  openEventStream,
  startPlatform,
  startWebhookReceiver,
  waitFor,
  type EventStreamClient,
  type Platform,
} from '@switchyard/testing';
import { apiClient } from './client.js';

const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
const password = 'a long enough passphrase';
const run = promisify(execFile);

describe('notifications through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;
  const streams: EventStreamClient[] = [];

  beforeAll(async () => {
    receiver = await startWebhookReceiver({ failFirst: 1 });
    platform = await startPlatform({
      env: {
        WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
        WEBHOOK_RETRY_BASE_MS: '200',
        SSE_HEARTBEAT_MS: '1000',
      },
    });
    api = apiClient(platform.gatewayUrl);
  }, 180_000);
  afterAll(async () => {
    streams.forEach((s) => s.close());
    await platform?.stop();
    await receiver?.close();
  }, 60_000);

  async function customer() {
    const email = `note-${randomUUID()}@example.com`;
    await api.post('/v1/auth/register', { email, password, name: 'Noor' });
    const login = await api.post('/v1/auth/login', { email, password });
    return { email, token: login.body.accessToken as string };
  }
  const placeOrder = async (token: string) => {
    const placed = await api.post(
      '/v1/orders',
      { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
      token,
    );
    expect(placed.status).toBe(201);
    return placed.body.id as string;
  };
  const stream = async (token: string, lastEventId?: string) => {
    const s = await openEventStream(`${platform.gatewayUrl}/v1/notifications/stream`, {
      token,
      lastEventId,
    });
    streams.push(s);
    return s;
  };
  const titles = (events: { data: string }[]) =>
    events.map((e) => JSON.parse(e.data).title as string);

  it('emails in text and HTML, and fills the inbox', async () => {
    const { email, token } = await customer();
    const mail = await waitFor(
      async () =>
        (await platform.smtp.emailsTo(email)).find((m) => m.subject === 'Welcome to Switchyard'),
      { what: 'welcome email' },
    );
    expect(mail.text).toContain('Hello Noor');
    expect(mail.html).toContain('<h1');
    const inbox = await api.get('/v1/notifications', token);
    expect(inbox.body.items.map((n: { title: string }) => n.title)).toContain(
      'Welcome to Switchyard',
    );
    expect(inbox.body.unreadCount).toBeGreaterThanOrEqual(1);
    expect((await api.post('/v1/notifications/read-all', undefined, token)).status).toBe(200);
    expect((await api.get('/v1/notifications/unread-count', token)).body.unreadCount).toBe(0);
  });

  it('streams notifications live through the gateway and resumes after a reconnect', async () => {
    const { token } = await customer();
    // The welcome notification is published asynchronously after registration; wait for it
    // so it cannot arrive on the live stream among the order's events.
    await waitFor(async () => (await api.get('/v1/notifications', token)).body.items.length >= 1, {
      what: 'the welcome notification stored',
    });
    const live = await stream(token);
    expect(live.status).toBe(200);
    const first = await placeOrder(token);
    // Received, then confirmed and the invoice for the paid order (billing issues it after the
    // same order.paid, so those two may arrive in either order).
    const events = await live.waitForEvents(3, 30_000);
    expect(titles(events)[0]).toBe(`Order ${first.slice(0, 8)} received`);
    expect(titles(events).slice(1)).toContain(`Order ${first.slice(0, 8)} is confirmed`);
    expect(titles(events).slice(1)).toContainEqual(expect.stringMatching(/^Invoice INV-/));
    await waitFor(async () => live.comments.some((c) => c.includes('heartbeat')), {
      what: 'a heartbeat',
    });
    const lastSeen = events[2]!.id!;
    live.close();

    const missedOrder = await placeOrder(token);
    await waitFor(
      async () => (await api.get(`/v1/orders/${missedOrder}`, token)).body.status === 'paid',
      { what: 'the missed order paid' },
    );
    // The welcome notification and three for each order.
    await waitFor(async () => (await api.get('/v1/notifications', token)).body.items.length >= 7, {
      what: 'its notifications stored',
    });
    const resumed = await stream(token, lastSeen);
    const missed = await resumed.waitForEvents(3, 30_000);
    expect(titles(missed)[0]).toBe(`Order ${missedOrder.slice(0, 8)} received`);
    expect(titles(missed).slice(1)).toContain(`Order ${missedOrder.slice(0, 8)} is confirmed`);
    expect(titles(missed).slice(1)).toContainEqual(expect.stringMatching(/^Invoice INV-/));
    expect(missed.map((e) => e.id)).not.toContain(lastSeen);
  });

  it('delivers signed webhooks to an integrator, retried after a 500, never twice', async () => {
    const { token } = await customer();
    const registered = await api.post(
      '/v1/webhooks/endpoints',
      { url: `${receiver.base}/flaky-shop`, eventTypes: ['order.created', 'order.paid'] },
      token,
    );
    expect(registered.status).toBe(201);
    receiver.setSecret('/flaky-shop', registered.body.secret);
    const orderId = await placeOrder(token);
    await waitFor(
      async () =>
        [...receiver.accepted.keys()].filter((k) => k.startsWith('/flaky-shop ')).length === 2,
      { timeoutMs: 30_000, what: 'both events accepted' },
    );
    const got = receiver.received.filter((r) => r.path === '/flaky-shop');
    // Each event: first answered 500 (the integrator's bad moment), then accepted once.
    expect(got.map((r) => r.answered).sort()).toEqual([200, 200, 500, 500]);
    expect([...receiver.accepted.entries()].filter(([k]) => k.startsWith('/flaky-shop '))).toEqual([
      [expect.any(String), 1],
      [expect.any(String), 1],
    ]);
    const types = got.filter((r) => r.answered === 200).map((r) => JSON.parse(r.body).type);
    expect(types.sort()).toEqual(['order.created', 'order.paid']);
    expect(JSON.parse(got.find((r) => r.answered === 200)!.body).data.orderId).toBe(orderId);
    // The sender records an attempt after the integrator's answer: the receiver can have it
    // before the delivery's row says so.
    await waitFor(
      async () => {
        const deliveries = await api.get(
          `/v1/webhooks/endpoints/${registered.body.id}/deliveries`,
          token,
        );
        const items = deliveries.body.items as { attempts: number }[];
        return items.length === 2 && items.every((d) => d.attempts === 2);
      },
      { timeoutMs: 10_000, what: 'both deliveries recorded with two attempts each' },
    );
  });

  it('lets an integrator’s machine client (webhooks:manage) receive every customer’s events', async () => {
    const boss = await customer();
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    const admin = (await api.post('/v1/auth/login', { email: boss.email, password })).body
      .accessToken;
    const client = (
      await api.post('/v1/auth/admin/clients', { name: 'erp', scopes: ['webhooks:manage'] }, admin)
    ).body;
    const token = await api.call('POST', '/oauth/token', {
      raw: `grant_type=client_credentials&client_id=${client.clientId}&client_secret=${client.clientSecret}&scope=webhooks%3Amanage`,
      contentType: 'application/x-www-form-urlencoded',
    });
    expect(token.status).toBe(200);
    const registered = await api.post(
      '/v1/webhooks/endpoints',
      { url: `${receiver.base}/erp`, eventTypes: ['order.paid'] },
      token.body.access_token,
    );
    expect(registered.status).toBe(201);
    receiver.setSecret('/erp', registered.body.secret);
    const [a, b] = [await customer(), await customer()];
    const orders = [await placeOrder(a.token), await placeOrder(b.token)];
    await waitFor(
      async () =>
        orders.every((id) =>
          receiver.received.some(
            (r) => r.path === '/erp' && r.answered === 200 && r.body.includes(id),
          ),
        ),
      { timeoutMs: 30_000, what: 'both customers’ order.paid at the integrator' },
    );
  });

  it('refuses webhook URLs pointing inward', async () => {
    const { token } = await customer();
    for (const url of [
      'http://169.254.169.254/latest/meta-data/',
      'http://10.0.0.5/',
      'http://[::1]/x',
    ]) {
      const res = await api.post(
        '/v1/webhooks/endpoints',
        { url, eventTypes: ['order.paid'] },
        token,
      );
      expect(res.status).toBe(422);
    }
  });

  it('respects preferences: no order emails once turned off, the inbox still fills', async () => {
    const { email, token } = await customer();
    const patched = await api.call('PATCH', '/v1/notifications/preferences', {
      token,
      body: { email: { order: false } },
    });
    expect(patched.status).toBe(200);
    expect(patched.body.email).toEqual({
      account: true,
      order: false,
      payment: true,
      billing: true,
    });
    const orderId = await placeOrder(token);
    const short = orderId.slice(0, 8);
    await waitFor(
      async () =>
        (await api.get('/v1/notifications', token)).body.items.some(
          (n: { title: string }) => n.title === `Order ${short} is confirmed`,
        ),
      { what: 'inbox confirmation' },
    );
    // Account and billing emails stay on: the welcome and the paid order's invoice still come.
    const subjects = await waitFor(
      async () => {
        const sent = (await platform.smtp.emailsTo(email)).map((m) => m.subject);
        return sent.some((s) => s.startsWith('Invoice ')) && sent.includes('Welcome to Switchyard')
          ? sent
          : undefined;
      },
      { what: 'the welcome email and the invoice (account and billing emails stay on)' },
    );
    expect(subjects.sort()).toEqual([
      expect.stringMatching(/^Invoice INV-\d{4}-\d{6}$/),
      'Welcome to Switchyard',
    ]);
  });
});
