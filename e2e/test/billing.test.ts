// Billing end to end: plans, subscriptions, renewals and dunning on billing's test clock,
// invoices and credit notes with their PDFs and the accounting export — every process real,
// every customer request through the gateway, every card charged by the sandbox provider.
import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import { extractText, getDocumentProxy } from 'unpdf';
import { queryDb, startPlatform, waitFor, type Platform } from '@switchyard/testing';
import { apiClient } from './client.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';
const DAY = 86_400;
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';

describe('billing through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;
  let admin: string;
  let basic: { id: string };
  let premium: { id: string };

  beforeAll(async () => {
    // Two billing replicas (one database): the gateway routes to the first; the concurrent
    // renewal test wakes both at once.
    platform = await startPlatform({ replicas: { billing: 2 } });
    api = apiClient(platform.gatewayUrl);
    const boss = await customer();
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    admin = (await api.post('/v1/auth/login', { email: boss.email, password })).body.accessToken;
    basic = await plan('basic', 1000);
    premium = await plan('premium', 3000);
  }, 180_000);

  afterAll(async () => {
    if (!platform) return;
    expect(await platform.stop()).toEqual(platform.running.map(() => 0));
  }, 60_000);

  async function customer(name = 'Sam') {
    const email = `billing-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name });
    const login = await api.post('/v1/auth/login', { email, password });
    return { email, userId: registered.body.id as string, token: login.body.accessToken as string };
  }

  async function plan(kind: string, amount: number) {
    const created = await api.post(
      '/v1/admin/plans',
      {
        code: `${kind}-${randomUUID().slice(0, 8)}`,
        name: `${kind[0]!.toUpperCase()}${kind.slice(1)}, monthly`,
        price: { amount, currency: 'EUR' },
        interval: 'month',
        intervalCount: 1,
      },
      admin,
    );
    expect(created.status).toBe(201);
    return created.body as { id: string };
  }

  async function savedCard(token: string, testCard = 'pm_card_visa'): Promise<string> {
    const saved = await api.post('/v1/payment-methods', { paymentMethod: testCard }, token);
    expect(saved.status).toBe(201);
    return saved.body.id as string;
  }

  async function subscribe(token: string, planId: string, paymentMethod: string) {
    const res = await api.call('POST', '/v1/subscriptions', {
      token,
      body: { planId, paymentMethod },
      headers: { 'idempotency-key': randomUUID() },
    });
    expect(res.status).toBe(201);
    return res.body as { id: string; status: string };
  }

  const subscription = async (id: string, token: string) =>
    (await api.get(`/v1/subscriptions/${id}`, token)).body;
  const until = (id: string, token: string, what: string, ok: (s: any) => boolean) =>
    waitFor(
      async () => {
        const s = await subscription(id, token);
        return ok(s) ? s : undefined;
      },
      { timeoutMs: 30_000, what: `subscription ${id}: ${what}` },
    );
  /** Billing's clock forward, then the sweep at once (it runs every minute on its own). */
  async function later(seconds: number) {
    const moved = await api.post('/v1/admin/billing/clock', { advanceSeconds: seconds }, admin);
    expect(moved.status).toBe(200);
    const swept = await api.post('/v1/admin/billing/run-due', undefined, admin);
    expect(swept.status).toBe(202);
  }
  const periodEndOf = (s: any) => Date.parse(s.currentPeriodEnd);
  const secondsUntilRenewal = async (s: any) => {
    const clock = (await api.get('/v1/admin/billing/clock', admin)).body;
    return Math.ceil((periodEndOf(s) - Date.parse(clock.now)) / 1000) + 60;
  };

  it('subscribes once per Idempotency-Key, then renews every period with an invoice each', async () => {
    const c = await customer();
    const card = await savedCard(c.token);
    const key = randomUUID();
    const first = await api.call('POST', '/v1/subscriptions', {
      token: c.token,
      body: { planId: basic.id, paymentMethod: card },
      headers: { 'idempotency-key': key },
    });
    expect(first.status).toBe(201);
    expect(first.body.status).toBe('incomplete');
    const replay = await api.call('POST', '/v1/subscriptions', {
      token: c.token,
      body: { planId: basic.id, paymentMethod: card },
      headers: { 'idempotency-key': key },
    });
    expect(replay.status).toBe(201);
    expect(replay.body.id).toBe(first.body.id);
    const otherBody = await api.call('POST', '/v1/subscriptions', {
      token: c.token,
      body: { planId: premium.id, paymentMethod: card },
      headers: { 'idempotency-key': key },
    });
    expect(otherBody.status).toBe(422);

    const id = first.body.id as string;
    let s = await until(
      id,
      c.token,
      'active',
      (x) => x.status === 'active' && x.invoices.length === 1,
    );
    for (const renewal of [2, 3]) {
      const previousEnd = periodEndOf(s);
      await later(await secondsUntilRenewal(s));
      s = await until(id, c.token, `renewal ${renewal}`, (x) => x.invoices.length === renewal);
      expect(s.status).toBe('active');
      expect(Date.parse(s.currentPeriodStart)).toBe(previousEnd);
      expect(s.timeline.map((t: any) => t.event)).toContain('subscription.renewed');
    }
    expect(s.invoices.map((i: any) => i.total)).toEqual([
      { amount: 1000, currency: 'EUR' },
      { amount: 1000, currency: 'EUR' },
      { amount: 1000, currency: 'EUR' },
    ]);
    expect(await list(`/v1/subscriptions`, c.token)).toHaveLength(1);
    // Another customer sees nothing of it.
    const other = await customer();
    expect((await api.get(`/v1/subscriptions/${id}`, other.token)).status).toBe(404);
  }, 120_000);

  it('chases a failed renewal (dunning) and recovers at once when the card is updated', async () => {
    const c = await customer();
    const failing = await savedCard(c.token, 'pm_card_sandbox_failsAfterFirstCharge');
    const { id } = await subscribe(c.token, basic.id, failing);
    let s = await until(id, c.token, 'active', (x) => x.status === 'active');
    await later(await secondsUntilRenewal(s));
    s = await until(id, c.token, 'past due', (x) => x.status === 'past_due');
    expect(s.dunning.failedAttempts).toBe(1);
    expect(Date.parse(s.dunning.nextRetryAt)).toBe(periodEndOf(s) + DAY * 1000);
    expect(s.timeline.at(-1)).toMatchObject({
      event: 'subscription.payment_failed',
      to: 'past_due',
    });
    // The customer is told, with a link to update the card.
    await waitFor(
      async () => {
        const inbox = (await api.get('/v1/notifications', c.token)).body.items ?? [];
        return inbox.find(
          (n: any) => /^Renewal of your .* failed$/.test(n.title) && n.body.includes('card'),
        );
      },
      { timeoutMs: 20_000, what: 'the dunning notification' },
    );

    const good = await savedCard(c.token);
    const updated = await api.call('PATCH', `/v1/subscriptions/${id}`, {
      token: c.token,
      body: { paymentMethod: good },
    });
    expect(updated.status).toBe(200);
    s = await until(id, c.token, 'recovered', (x) => x.status === 'active');
    expect(s.timeline.at(-1)).toMatchObject({ event: 'subscription.recovered', to: 'active' });
    expect(s.invoices).toHaveLength(2);
    expect(s.dunning).toEqual({ failedAttempts: 0, nextRetryAt: null });
  }, 120_000);

  it('cancels after the last retry of the dunning schedule fails', async () => {
    const c = await customer();
    const failing = await savedCard(c.token, 'pm_card_sandbox_failsAfterFirstCharge');
    const { id } = await subscribe(c.token, basic.id, failing);
    let s = await until(id, c.token, 'active', (x) => x.status === 'active');
    await later(await secondsUntilRenewal(s));
    s = await until(id, c.token, 'attempt 1 failed', (x) => x.dunning.failedAttempts === 1);
    // Retries 1, 3 and 5 days after the due date.
    for (const [attempt, days] of [
      [2, 1],
      [3, 2],
    ] as const) {
      await later(days * DAY);
      s = await until(
        id,
        c.token,
        `attempt ${attempt}`,
        (x) => x.dunning.failedAttempts === attempt,
      );
      expect(s.status).toBe('past_due');
    }
    await later(2 * DAY);
    s = await until(id, c.token, 'canceled', (x) => x.status === 'canceled');
    expect(s.timeline.at(-1)).toMatchObject({ event: 'subscription.canceled', actor: 'system' });
    expect(s.timeline.at(-1).reason).toMatch(/^unpaid after 4 attempts/);
    expect(s.invoices).toHaveLength(1);
  }, 120_000);

  it('changes plan with proration: an upgrade charges the difference, a downgrade refunds it', async () => {
    const c = await customer();
    const card = await savedCard(c.token);
    const { id } = await subscribe(c.token, basic.id, card);
    let s = await until(id, c.token, 'active', (x) => x.status === 'active');
    await later(10 * DAY);
    const up = await api.post(
      `/v1/subscriptions/${id}/change-plan`,
      { planId: premium.id },
      c.token,
    );
    expect(up.status).toBe(200);
    expect(up.body.pendingPayment).toBe(true);
    const { credit, charge, net, remainingSeconds, periodSeconds } = up.body.proration;
    // The documented rule: each part rounded half away from zero, the difference moves.
    const part = (price: number) => Math.round((price * remainingSeconds) / periodSeconds);
    expect(Math.abs(credit.amount - part(1000))).toBeLessThanOrEqual(1);
    expect(Math.abs(charge.amount - part(3000))).toBeLessThanOrEqual(1);
    expect(net.amount).toBe(charge.amount - credit.amount);
    s = await until(id, c.token, 'on premium', (x) => x.plan.id === premium.id);
    expect(s.price).toEqual({ amount: 3000, currency: 'EUR' });
    expect(s.invoices.map((i: any) => i.total.amount)).toEqual([1000, net.amount]);

    const down = await api.post(
      `/v1/subscriptions/${id}/change-plan`,
      { planId: basic.id },
      c.token,
    );
    expect(down.status).toBe(200);
    expect(down.body.pendingPayment).toBe(false);
    expect(down.body.subscription.plan.id).toBe(basic.id);
    expect(down.body.proration.net.amount).toBeLessThan(0);
    // The difference comes back from what this period was paid: the upgrade's charge first.
    const refunded = -down.body.proration.net.amount;
    const notes = await waitFor(
      async () => {
        const items = await list('/v1/credit-notes', c.token);
        const total = items.reduce((sum: number, n: any) => sum + n.totals.totalMinor, 0);
        return total === refunded ? items : undefined;
      },
      { timeoutMs: 30_000, what: 'credit notes for the downgrade' },
    );
    expect(notes[0].invoiceId).toBe(s.invoices[1].id);
    for (const note of notes) {
      expect(s.invoices.map((i: any) => i.id)).toContain(note.invoiceId);
    }
  }, 120_000);

  it('cancels at the end of the period: no renewal, no refund', async () => {
    const c = await customer();
    const card = await savedCard(c.token);
    const { id } = await subscribe(c.token, basic.id, card);
    let s = await until(id, c.token, 'active', (x) => x.status === 'active');
    const cancel = await api.post(
      `/v1/subscriptions/${id}/cancel`,
      { when: 'period_end' },
      c.token,
    );
    expect(cancel.status).toBe(200);
    expect(cancel.body).toMatchObject({
      status: 'active',
      cancelAtPeriodEnd: true,
      nextRenewalAt: null,
    });
    await later(await secondsUntilRenewal(s));
    s = await until(id, c.token, 'canceled', (x) => x.status === 'canceled');
    expect(s.timeline.at(-1)).toMatchObject({
      event: 'subscription.canceled',
      reason: 'canceled_at_period_end',
    });
    expect(s.invoices).toHaveLength(1);
    expect(await list('/v1/credit-notes', c.token)).toEqual([]);
  }, 120_000);

  it('charges a period once when two replicas run the renewal at the same moment', async () => {
    const c = await customer();
    const card = await savedCard(c.token);
    const { id } = await subscribe(c.token, basic.id, card);
    const s = await until(id, c.token, 'active', (x) => x.status === 'active');
    const moved = await api.post(
      '/v1/admin/billing/clock',
      { advanceSeconds: await secondsUntilRenewal(s) },
      admin,
    );
    expect(moved.status).toBe(200);
    // Both replicas, straight (the gateway routes to one), several times each, at once.
    const replicas = [platform.serviceUrl('billing', 0), platform.serviceUrl('billing', 1)];
    const answers = await Promise.all(
      [...replicas, ...replicas, ...replicas].map((url) =>
        fetch(`${url}/v1/admin/billing/run-due`, {
          method: 'POST',
          headers: { authorization: `Bearer ${admin}` },
        }),
      ),
    );
    expect(answers.map((a) => a.status)).toEqual(answers.map(() => 202));
    const renewed = await until(id, c.token, 'renewed', (x) => x.invoices.length === 2);
    const billing = platform.processes.find((p) => p.name === 'billing')!;
    const charges = await queryDb<{ n: number }>(
      billing.database!.url,
      `SELECT count(*)::int AS n FROM subscription_charges
        WHERE subscription_id = $1 AND period_start = $2`,
      [id, renewed.currentPeriodStart],
    );
    expect(charges[0]!.n).toBe(1);
    const payment = platform.processes.find((p) => p.name === 'payment')!;
    const payments = await queryDb<{ n: number }>(
      payment.database!.url,
      `SELECT count(*)::int AS n FROM payments WHERE user_id = $1 AND status = 'succeeded'`,
      [c.userId],
    );
    expect(payments[0]!.n).toBe(2);
  }, 120_000);

  it('numbers invoices and credit notes without gaps while many are issued at once', async () => {
    const buyers = await Promise.all(Array.from({ length: 8 }, () => customer()));
    const orders = await Promise.all(
      buyers.map(async (b) => {
        const placed = await api.post(
          '/v1/orders',
          { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' },
          b.token,
        );
        expect(placed.status).toBe(201);
        return { id: placed.body.id as string, token: b.token };
      }),
    );
    for (const o of orders) {
      await waitFor(
        async () =>
          (await api.get(`/v1/orders/${o.id}`, o.token)).body.status === 'paid' ? true : undefined,
        { timeoutMs: 30_000, what: `order ${o.id} paid` },
      );
    }
    const refunds = await Promise.all(
      orders.map(async (o) => {
        const [payment] = (await api.get(`/v1/payments?orderId=${o.id}`, o.token)).body.items;
        return api.call('POST', `/v1/admin/payments/${payment.id}/refunds`, {
          token: admin,
          body: { amount: { amount: 250, currency: 'EUR' } },
          headers: { 'idempotency-key': randomUUID() },
        });
      }),
    );
    expect(refunds.map((r) => r.status).every((status) => status < 300)).toBe(true);
    const billing = platform.processes.find((p) => p.name === 'billing')!;
    await waitFor(
      async () => {
        const [row] = await queryDb<{ n: number }>(
          billing.database!.url,
          `SELECT count(*)::int AS n FROM billing_documents
            WHERE kind = 'credit_note' AND user_id = ANY($1::uuid[])`,
          [buyers.map((b) => b.userId)],
        );
        return row!.n === orders.length ? true : undefined;
      },
      { timeoutMs: 30_000, what: 'a credit note per refund' },
    );
    // Gap-free per series and year (billing's clock has moved across a year end by now).
    const rows = await queryDb<{ series: string; year: number; seqs: number[] }>(
      billing.database!.url,
      `SELECT series, year, array_agg(seq ORDER BY seq) AS seqs
         FROM billing_documents GROUP BY series, year`,
    );
    expect(rows.map((r) => r.series).sort()).toEqual(expect.arrayContaining(['CN', 'INV']));
    for (const { seqs } of rows) expect(seqs).toEqual(seqs.map((_, i) => i + 1));
    const numbers = await queryDb<{ number: string; series: string; year: number; seq: number }>(
      billing.database!.url,
      'SELECT number, series, year, seq FROM billing_documents',
    );
    for (const n of numbers) {
      expect(n.number).toBe(`${n.series}-${n.year}-${String(n.seq).padStart(6, '0')}`);
    }
  }, 120_000);

  it('serves each invoice as a PDF to its owner only, with its number, lines and totals', async () => {
    const c = await customer('Ada Lovelace');
    const placed = await api.post(
      '/v1/orders',
      { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
      c.token,
    );
    expect(placed.status).toBe(201);
    const [invoice] = await waitFor(
      async () => {
        const items = await list('/v1/invoices', c.token);
        return items.length === 1 ? items : undefined;
      },
      { timeoutMs: 30_000, what: 'the order invoice' },
    );
    const pdf = await fetch(`${platform.gatewayUrl}/v1/invoices/${invoice.id}.pdf`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    const bytes = new Uint8Array(await pdf.arrayBuffer());
    const { text } = await extractText(await getDocumentProxy(bytes), { mergePages: true });
    expect(text).toContain(invoice.number);
    expect(text).toContain('Ada Lovelace');
    expect(text).toContain('Switchyard enamel mug');
    expect(text).toMatch(/25[.,]00/);

    const other = await customer();
    expect((await api.get(`/v1/invoices/${invoice.id}`, other.token)).status).toBe(404);
    const stolen = await fetch(`${platform.gatewayUrl}/v1/invoices/${invoice.id}.pdf`, {
      headers: { authorization: `Bearer ${other.token}` },
    });
    expect(stolen.status).toBe(404);
    expect((await api.get(`/v1/invoices/${invoice.id}`, admin)).status).toBe(200);
    const everyone = await list(`/v1/admin/invoices?userId=${c.userId}`, admin);
    expect(everyone.map((d) => d.id)).toEqual([invoice.id]);
    expect((await api.get('/v1/admin/invoices', other.token)).status).toBe(403);
  }, 120_000);

  it('exports the documents of a period as CSV for accounting (admins only)', async () => {
    const from = new Date(Date.now() - 2 * DAY * 1000).toISOString();
    // The longest span the export takes (366 days): billing's clock has moved months ahead.
    const to = new Date(Date.parse(from) + 366 * DAY * 1000).toISOString();
    const query = `from=${encodeURIComponent(from)}&to=${encodeURIComponent(to)}`;
    const csv = await fetch(`${platform.gatewayUrl}/v1/admin/invoices/export?${query}`, {
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toMatch(/^text\/csv/);
    const rows = (await csv.text()).trim().split(/\r?\n/);
    const billing = platform.processes.find((p) => p.name === 'billing')!;
    const [count] = await queryDb<{ n: number }>(
      billing.database!.url,
      `SELECT count(*)::int AS n FROM billing_documents WHERE issued_at >= $1 AND issued_at < $2`,
      [from, to],
    );
    expect(rows).toHaveLength(count!.n + 1);
    expect(rows[0]).toMatch(/^number,kind,issued_at/);
    const c = await customer();
    const refused = await fetch(`${platform.gatewayUrl}/v1/admin/invoices/export?${query}`, {
      headers: { authorization: `Bearer ${c.token}` },
    });
    expect(refused.status).toBe(403);
  }, 60_000);

  async function list(path: string, token: string): Promise<any[]> {
    const res = await api.get(path, token);
    expect(res.status).toBe(200);
    return res.body.items;
  }
});
