// The order–payment saga end to end: every process real, every request through the gateway,
// the payment provider played by the sandbox process with its signed webhooks. Ends with a
// consistency check across the order database, the payment database and the provider's ledger.
import { execFile } from 'node:child_process';
import { createHmac, randomUUID } from 'node:crypto';
import { promisify } from 'node:util';
import {
  findInconsistencies,
  queryDb,
  startPlatform,
  waitFor,
  type Platform,
} from '@switchyard/testing';
import { apiClient } from './client.js';

const run = promisify(execFile);
const password = 'a long enough passphrase';
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';
// The local sandbox's development credentials (infra/stack).
const SANDBOX_KEY = 'sk_test_switchyard_sandbox';
const WEBHOOK_SECRET = 'whsec_switchyard_sandbox_dev';
// Unpaid orders expire after this: later than the watchdog needs to give up on a provider that
// never answers (the compensation test). A charge holds its order's charge lock for its whole
// call, retries included — three attempts, each 503 with the sandbox's Retry-After of 2 s, ~5 s
// — and the watchdog leaves an order being charged alone, so its give-up comes after the first
// call, STUCK_AFTER_SECONDS and its own call: ~15 s. (A call budget of 2 s instead would allow
// one attempt per call, and pm_card_provider_error, which succeeds on the third, would be given
// up on before it.)
const ORDER_TIMEOUT_SECONDS = 20;

describe('commerce saga through the gateway', () => {
  let platform: Platform;
  let api: ReturnType<typeof apiClient>;
  let admin: string;

  beforeAll(async () => {
    platform = await startPlatform({
      env: {
        ORDER_PAYMENT_TIMEOUT_SECONDS: String(ORDER_TIMEOUT_SECONDS),
        EXPIRY_SWEEP_INTERVAL_MS: '500',
        SANDBOX_DELAY_MS: '1000',
        SANDBOX_HANG_MS: '5000',
        SANDBOX_WEBHOOK_RETRY_MS: '200',
        PROVIDER_TIMEOUT_MS: '1500',
        PROVIDER_RETRY_BASE_MS: '100',
        WATCHDOG_INTERVAL_MS: '1000',
        STUCK_AFTER_SECONDS: '2',
        GIVE_UP_AFTER_SECONDS: '3',
        RECONCILE_INTERVAL_MS: '2000',
      },
    });
    api = apiClient(platform.gatewayUrl);
    const boss = await customer();
    const auth = platform.processes.find((p) => p.name === 'auth')!;
    await run(process.execPath, ['dist/cli/grant-role.js', boss.email, 'admin'], {
      cwd: auth.cwd,
      env: { ...process.env, DATABASE_URL: auth.database!.url },
    });
    admin = (await api.post('/v1/auth/login', { email: boss.email, password })).body.accessToken;
  }, 180_000);

  afterAll(async () => {
    if (!platform) return;
    expect(await platform.stop()).toEqual(platform.running.map(() => 0));
  }, 60_000);

  async function customer() {
    const email = `shop-${randomUUID()}@example.com`;
    const registered = await api.post('/v1/auth/register', { email, password, name: 'Sam' });
    const login = await api.post('/v1/auth/login', { email, password });
    return { email, userId: registered.body.id as string, token: login.body.accessToken as string };
  }

  const sandbox = async (
    path: string,
    init: { method?: string; body?: unknown; headers?: Record<string, string> } = {},
  ) => {
    const res = await fetch(`${platform.serviceUrl('payment-sandbox')}${path}`, {
      method: init.method ?? 'GET',
      headers: {
        authorization: `Bearer ${SANDBOX_KEY}`,
        'content-type': 'application/json',
        ...init.headers,
      },
      body: init.body === undefined ? undefined : JSON.stringify(init.body),
    });
    return { status: res.status, body: (await res.json()) as any };
  };
  const chargesOf = async (orderId: string) =>
    (await allCharges()).filter((c: any) => c.metadata.order_id === orderId);
  async function allCharges(): Promise<any[]> {
    const charges: any[] = [];
    let after = '';
    for (;;) {
      const page = await sandbox(`/v1/charges?limit=100${after ? `&starting_after=${after}` : ''}`);
      charges.push(...page.body.data);
      if (!page.body.has_more) return charges;
      after = page.body.data.at(-1).id;
    }
  }

  async function order(token: string, paymentMethod: string, quantity = 1, productId = MUG) {
    const placed = await api.post(
      '/v1/orders',
      { lines: [{ productId, quantity }], paymentMethod },
      token,
    );
    expect(placed.status).toBe(201);
    return placed.body as { id: string; total: { amount: number; currency: string } };
  }
  const orderOf = async (id: string, token: string) =>
    (await api.get(`/v1/orders/${id}`, token)).body;
  const until = (id: string, token: string, status: string, timeoutMs = 30_000) =>
    waitFor(
      async () => {
        const o = await orderOf(id, token);
        return o.status === status ? o : undefined;
      },
      { timeoutMs, what: `order ${id} to be ${status}` },
    );
  const paymentOf = async (orderId: string, token: string) =>
    waitFor(async () => (await api.get(`/v1/payments?orderId=${orderId}`, token)).body.items[0], {
      what: `payment of ${orderId}`,
    });
  const titles = async (token: string) =>
    ((await api.get('/v1/notifications?limit=100', token)).body.items as { title: string }[]).map(
      (n) => n.title,
    );
  const refund = (paymentId: string, amount?: number, key = randomUUID()) =>
    api.call('POST', `/v1/admin/payments/${paymentId}/refunds`, {
      token: admin,
      headers: { 'idempotency-key': key },
      body: amount === undefined ? {} : { amount: { amount, currency: 'EUR' } },
    });
  const webhook = (body: string, options: { secret?: string; at?: number } = {}) => {
    const t = options.at ?? Math.floor(Date.now() / 1000);
    const v1 = createHmac('sha256', options.secret ?? WEBHOOK_SECRET)
      .update(`${t}.${body}`)
      .digest('hex');
    return api.call('POST', '/v1/payments/webhooks/provider', {
      raw: body,
      contentType: 'application/json',
      headers: { 'stripe-signature': `t=${t},v1=${v1}` },
    });
  };

  it('pays with a good card', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_visa');
    await until(placed.id, c.token, 'paid');
    expect(await paymentOf(placed.id, c.token)).toMatchObject({ status: 'succeeded' });
  });

  it.each([
    ['pm_card_declined', 'card_declined'],
    ['pm_card_insufficient_funds', 'insufficient_funds'],
  ])('cancels and releases the order when %s is declined (%s)', async (method, reason) => {
    const c = await customer();
    const stock = (await api.get(`/v1/products/${MUG}`)).body.stock;
    const placed = await order(c.token, method, 2);
    const cancelled = await until(placed.id, c.token, 'cancelled');
    expect(cancelled.cancelReason).toContain(reason);
    await waitFor(async () => (await api.get(`/v1/products/${MUG}`)).body.stock === stock, {
      what: 'stock back',
    });
    await waitFor(
      async () => (await titles(c.token)).some((t) => t.startsWith('Payment for order')),
      {
        what: 'customer told',
      },
    );
  });

  it('pays a charge that succeeds after a delay, from the webhook', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_delayed');
    await until(placed.id, c.token, 'paid');
  });

  it.each(['pm_card_provider_error', 'pm_card_provider_timeout'])(
    'retries through %s and charges exactly once',
    async (method) => {
      const c = await customer();
      const placed = await order(c.token, method);
      await until(placed.id, c.token, 'paid');
      expect(await chargesOf(placed.id)).toHaveLength(1);
    },
  );

  it('never follows a provider redirect: the order is cancelled, the redirect target never hit', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_redirect');
    expect((await until(placed.id, c.token, 'cancelled')).cancelReason).toContain('provider_error');
    expect((await sandbox('/v1/test_helpers/redirect_target_hits')).body.hits).toBe(0);
  });

  it('compensates through the watchdog when the provider never answers', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_provider_outage');
    const cancelled = await until(placed.id, c.token, 'cancelled');
    expect(cancelled.cancelReason).toContain('provider_unavailable');
    expect(await chargesOf(placed.id)).toHaveLength(0);
  });

  it('applies a webhook the provider sends twice once', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_duplicate_webhook');
    await until(placed.id, c.token, 'paid');
    const deliveriesFor = async () =>
      (await sandbox('/v1/test_helpers/webhook_deliveries')).body.data.filter(
        (d: { body: string; status: number; type: string }) =>
          d.status === 200 &&
          d.type === 'payment_intent.succeeded' &&
          JSON.parse(d.body).data.object.metadata.order_id === placed.id,
      );
    await waitFor(async () => (await deliveriesFor()).length === 2, { what: 'both deliveries' });
    const confirmed = `Order ${placed.id.slice(0, 8)} is confirmed`;
    await waitFor(async () => (await titles(c.token)).includes(confirmed), {
      what: 'confirmation',
    });
    expect((await titles(c.token)).filter((t) => t === confirmed)).toHaveLength(1);
    expect((await api.get(`/v1/payments?orderId=${placed.id}`, c.token)).body.items).toHaveLength(
      1,
    );
  });

  it('converges when the provider sends a refund before its charge', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_webhooks_out_of_order', 2);
    const settled = await until(placed.id, c.token, 'partially_refunded');
    expect(settled.refunded.amount).toBe(Math.floor(placed.total.amount / 2));
    expect(settled.timeline.map((t: any) => t.status)).toEqual([
      'pending_payment',
      'paid',
      'partially_refunded',
    ]);
  });

  it('applies a genuine webhook replayed five times through the gateway once; refuses forged ones', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_pending');
    const [charge] = await waitFor(
      async () => {
        const found = await chargesOf(placed.id);
        return found.length ? found : undefined;
      },
      { what: 'the pending charge' },
    );
    const snapshot = JSON.stringify({
      id: `evt_forged_${randomUUID()}`,
      object: 'event',
      type: 'payment_intent.succeeded',
      created: Math.floor(Date.now() / 1000),
      data: {
        object: {
          id: charge.payment_intent,
          object: 'payment_intent',
          status: 'succeeded',
          metadata: charge.metadata,
        },
      },
    });
    const stale = await webhook(snapshot, { at: Math.floor(Date.now() / 1000) - 3600 });
    const wrongSecret = await webhook(snapshot, { secret: 'whsec_an_attacker_guess_1234' });
    expect([stale.status, wrongSecret.status]).toEqual([400, 400]);
    expect(stale.headers.get('content-type')).toContain('application/problem+json');
    expect((await orderOf(placed.id, c.token)).status).toBe('pending_payment');

    await sandbox(`/v1/test_helpers/payment_intents/${charge.payment_intent}/settle`, {
      method: 'POST',
      body: { outcome: 'succeeded' },
    });
    await until(placed.id, c.token, 'paid');
    const genuine = (await sandbox('/v1/test_helpers/webhook_deliveries')).body.data.find(
      (d: any) =>
        d.paymentIntentId === charge.payment_intent &&
        d.type === 'payment_intent.succeeded' &&
        d.status === 200,
    );
    const oneByteOff = genuine.body.replace('"succeeded"', '"succeedee"');
    expect((await webhook(oneByteOff, { secret: 'whsec_an_attacker_guess_1234' })).status).toBe(
      400,
    );
    const replays = await Promise.all([1, 2, 3, 4, 5].map(() => webhook(genuine.body)));
    expect(replays.map((r) => [r.status, r.body.duplicate])).toEqual(Array(5).fill([200, true]));
    const confirmed = `Order ${placed.id.slice(0, 8)} is confirmed`;
    await waitFor(async () => (await titles(c.token)).includes(confirmed), {
      what: 'confirmation',
    });
    expect((await titles(c.token)).filter((t) => t === confirmed)).toHaveLength(1);
  });

  it('replays an order placement retried with the same Idempotency-Key; refuses the key with another body', async () => {
    const c = await customer();
    const key = randomUUID();
    const body = { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' };
    const place = (b: unknown) =>
      api.call('POST', '/v1/orders', {
        token: c.token,
        body: b,
        headers: { 'idempotency-key': key },
      });
    const first = await place(body);
    const again = await place(body);
    expect([first.status, again.status]).toEqual([201, 201]);
    expect(again.body.id).toBe(first.body.id);
    expect((await place({ ...body, paymentMethod: 'pm_card_mastercard' })).status).toBe(422);
    expect((await api.get('/v1/orders?limit=100', c.token)).body.items).toHaveLength(1);
  });

  it('sells the last 10 units to exactly 10 of 50 concurrent orders', async () => {
    const product = await api.post(
      '/v1/products',
      {
        sku: `LAST-${randomUUID().slice(0, 8).toUpperCase()}`,
        name: 'Last lamp',
        price: { amount: 900, currency: 'EUR' },
        stock: 10,
      },
      admin,
    );
    expect(product.status).toBe(201);
    const buyers = await Promise.all([1, 2, 3, 4, 5].map(() => customer()));
    const attempts = await Promise.all(
      Array.from({ length: 50 }, (_, i) =>
        api.post(
          '/v1/orders',
          { lines: [{ productId: product.body.id, quantity: 1 }], paymentMethod: 'pm_card_visa' },
          buyers[i % 5]!.token,
        ),
      ),
    );
    expect(attempts.filter((a) => a.status === 201)).toHaveLength(10);
    expect(attempts.filter((a) => a.status === 409)).toHaveLength(40);
    expect((await api.get(`/v1/products/${product.body.id}`)).body.stock).toBe(0);
  });

  it('lets the customer cancel while payment is pending, not after it is paid', async () => {
    const c = await customer();
    const pending = await order(c.token, 'pm_card_pending');
    const cancelled = await api.post(`/v1/orders/${pending.id}/cancel`, undefined, c.token);
    expect(cancelled.status).toBe(200);
    expect(cancelled.body.status).toBe('cancelled');
    const paid = await order(c.token, 'pm_card_visa');
    await until(paid.id, c.token, 'paid');
    const late = await api.post(`/v1/orders/${paid.id}/cancel`, undefined, c.token);
    expect(late.status).toBe(409);
    expect(late.headers.get('content-type')).toContain('application/problem+json');
  });

  it('tells a customer who cancels during a provider outage that the order is cancelled, once — never that the payment was declined', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_provider_outage');
    // Its payment exists and stays pending: the provider answers 503 to every attempt.
    expect((await paymentOf(placed.id, c.token)).status).toBe('pending');
    const cancelled = await api.post(`/v1/orders/${placed.id}/cancel`, undefined, c.token);
    expect(cancelled.status).toBe(200);

    const closed = await waitFor(
      async () => {
        const p = (await api.get(`/v1/payments?orderId=${placed.id}`, c.token)).body.items[0];
        return p?.status === 'failed' ? p : undefined;
      },
      { what: 'the payment closed' },
    );
    expect(closed.failureReason).toBe('order_cancelled');
    // Nothing announced: no payment.failed (it would be in the outbox, written in the same
    // transaction), so no "not accepted" message and no payment.failed webhook to integrators.
    const paymentDb = platform.processes.find((p) => p.name === 'payment')!.database!.url;
    expect(
      await queryDb(paymentDb, 'SELECT event_type FROM outbox_events WHERE message_key = $1', [
        placed.id,
      ]),
    ).toEqual([]);
    const short = placed.id.slice(0, 8);
    await waitFor(async () => (await titles(c.token)).includes(`Order ${short} was cancelled`), {
      what: 'customer told of the cancellation',
    });
    expect(
      (await titles(c.token)).filter((t) => t.includes(short) && !t.endsWith('received')),
    ).toEqual([`Order ${short} was cancelled`]);
  });

  it('expires an unpaid order, and refunds its payment when the money arrives afterwards', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_pending');
    const expired = await until(
      placed.id,
      c.token,
      'cancelled',
      (ORDER_TIMEOUT_SECONDS + 20) * 1000,
    );
    expect(expired.timeline.at(-1)).toMatchObject({ status: 'cancelled', actor: 'system' });
    const [charge] = await chargesOf(placed.id);
    await sandbox(`/v1/test_helpers/payment_intents/${charge.payment_intent}/settle`, {
      method: 'POST',
      body: { outcome: 'succeeded' },
    });
    await waitFor(
      async () => (await orderOf(placed.id, c.token)).refunded.amount === placed.total.amount,
      {
        what: 'late payment refunded',
      },
    );
    expect((await orderOf(placed.id, c.token)).status).toBe('cancelled');
    const payment = await paymentOf(placed.id, c.token);
    expect(payment.refunds).toEqual([
      expect.objectContaining({ reason: 'order_cancelled', status: 'succeeded' }),
    ]);
    await waitFor(async () => (await titles(c.token)).some((t) => t.startsWith('Refund of')), {
      what: 'customer told',
    });
  });

  it('refunds partly and then fully; refuses an over-refund; tells the customer', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_visa', 2);
    await until(placed.id, c.token, 'paid');
    const payment = await paymentOf(placed.id, c.token);
    const total = placed.total.amount;
    const part = await refund(payment.id, 500);
    expect(part.status).toBe(201);
    await until(placed.id, c.token, 'partially_refunded');
    const over = await refund(payment.id, total);
    expect(over.status).toBe(422);
    expect(over.body.detail).toContain('exceeds');
    expect((await refund(payment.id)).status).toBe(201);
    const done = await until(placed.id, c.token, 'refunded');
    expect(done.refunded.amount).toBe(total);
    await waitFor(
      async () => (await titles(c.token)).filter((t) => t.startsWith('Refund of')).length === 2,
      { what: 'two refund notifications' },
    );
    // Both emails, in whatever order they went out: due emails are sent several at a time over
    // pooled connections, so the second refund's may arrive first.
    const subjects = await waitFor(
      async () => {
        const refunds = (await platform.smtp.emailsTo(c.email))
          .map((m) => m.subject)
          .filter((s) => s.startsWith('Refund of'));
        return refunds.length === 2 ? refunds : undefined;
      },
      { what: 'two refund emails' },
    );
    expect(subjects.some((s) => s.includes('EUR 5.00'))).toBe(true);
  });

  it('waits for the customer’s 3-D Secure, tells them where to confirm, then pays', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_authenticationRequired');
    await until(placed.id, c.token, 'awaiting_payment_action');
    const payment = await paymentOf(placed.id, c.token);
    expect(payment).toMatchObject({
      status: 'requires_action',
      nextAction: { url: expect.stringMatching(/\/authenticate\/pi_/) },
    });
    expect(payment.nextAction.clientSecret).toMatch(/^pi_.+_secret_/);
    const told = `Confirm your payment for order ${placed.id.slice(0, 8)}`;
    await waitFor(async () => (await titles(c.token)).includes(told), {
      what: 'the customer told',
    });
    const mail = await waitFor(
      async () => (await platform.smtp.emailsTo(c.email)).find((m) => m.subject === told),
      { what: 'the email with the link' },
    );
    expect(mail.text).toContain(payment.nextAction.url);

    // The customer, in a browser: the provider's page, then its "Complete" button.
    const page = await fetch(payment.nextAction.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<form method="post"');
    const completed = await fetch(payment.nextAction.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
      redirect: 'manual',
    });
    expect(completed.status).toBeLessThan(400);
    const paid = await until(placed.id, c.token, 'paid');
    expect(paid.timeline.map((t: any) => t.status)).toEqual([
      'pending_payment',
      'awaiting_payment_action',
      'paid',
    ]);
    const settled = await paymentOf(placed.id, c.token);
    expect(settled.status).toBe('succeeded');
    expect(settled.nextAction).toBeUndefined();
  });

  it('expires an order whose customer never authenticates, and cancels the provider’s intent', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_authenticationRequired');
    await until(placed.id, c.token, 'awaiting_payment_action');
    const expired = await until(
      placed.id,
      c.token,
      'cancelled',
      (ORDER_TIMEOUT_SECONDS + 20) * 1000,
    );
    expect(expired.cancelReason).toBe('payment not received in time');
    const payment = await waitFor(
      async () => {
        const p = await paymentOf(placed.id, c.token);
        return p.status === 'failed' ? p : undefined;
      },
      { what: 'the waiting payment closed' },
    );
    expect(payment.failureReason).toBe('order_cancelled');
    // No charge was ever attempted at the provider; the intent is what the payment recorded.
    const [recorded] = (await api.get(`/v1/admin/payments?orderId=${placed.id}`, admin)).body.items;
    const intent = await sandbox(`/v1/payment_intents/${recorded.providerChargeId}`);
    expect(intent.body).toMatchObject({ status: 'canceled', cancellation_reason: 'abandoned' });
    // Told once that the order is cancelled, never that a payment was declined.
    const said = await titles(c.token);
    expect(said.some((t) => t.startsWith('Payment for order'))).toBe(false);
  });

  it('saves a card, pays an order with it and removes it; nobody else can pay with it', async () => {
    const c = await customer();
    const saved = await api.post('/v1/payment-methods', { paymentMethod: 'pm_card_visa' }, c.token);
    expect(saved.status).toBe(201);
    expect(saved.body).toMatchObject({
      id: expect.stringMatching(/^pm_/),
      brand: 'visa',
      last4: '4242',
    });
    expect(saved.body.id).not.toBe('pm_card_visa'); // the provider's own id for the saved card
    expect((await api.get('/v1/payment-methods', c.token)).body.items).toEqual([saved.body]);

    const placed = await order(c.token, saved.body.id);
    await until(placed.id, c.token, 'paid');

    const other = await customer();
    expect((await api.get('/v1/payment-methods', other.token)).body.items).toEqual([]);
    const taken = await order(other.token, saved.body.id);
    const refused = await until(taken.id, other.token, 'cancelled');
    expect(refused.cancelReason).toContain('payment_method_not_yours');
    expect(await chargesOf(taken.id)).toHaveLength(0);
    const notTheirs = await api.call('DELETE', `/v1/payment-methods/${saved.body.id}`, {
      token: other.token,
    });
    expect(notTheirs.status).toBe(404);

    const removed = await api.call('DELETE', `/v1/payment-methods/${saved.body.id}`, {
      token: c.token,
    });
    expect(removed.status).toBe(204);
    expect((await api.get('/v1/payment-methods', c.token)).body.items).toEqual([]);
  });

  it('refuses a declined card with 422, and saves one whose bank wants the customer once confirmed', async () => {
    const c = await customer();
    const declined = await api.post(
      '/v1/payment-methods',
      { paymentMethod: 'pm_card_chargeDeclined' },
      c.token,
    );
    expect(declined.status).toBe(422);
    expect(declined.headers.get('content-type')).toContain('application/problem+json');

    const pending = await api.post(
      '/v1/payment-methods',
      { paymentMethod: 'pm_card_authenticationRequiredOnSetup' },
      c.token,
    );
    expect(pending.status).toBe(202);
    expect(pending.body).toMatchObject({
      status: 'requires_action',
      setupIntentId: expect.stringMatching(/^seti_/),
      nextAction: { url: expect.stringMatching(/\/authenticate\/seti_/) },
    });
    await fetch(pending.body.nextAction.url, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: 'outcome=succeeded',
      redirect: 'manual',
    });
    const completed = await api.post(
      `/v1/payment-methods/setups/${pending.body.setupIntentId}/complete`,
      undefined,
      c.token,
    );
    expect(completed.status).toBe(201);
    expect((await api.get('/v1/payment-methods', c.token)).body.items).toEqual([completed.body]);
    const placed = await order(c.token, completed.body.id);
    await until(placed.id, c.token, 'paid');
  });

  it('reconciles a refund made at the provider whose webhook never came', async () => {
    const c = await customer();
    const placed = await order(c.token, 'pm_card_visa');
    await until(placed.id, c.token, 'paid');
    const [charge] = await chargesOf(placed.id);
    const made = await sandbox('/v1/refunds', {
      method: 'POST',
      body: { payment_intent: charge.payment_intent, amount: 100 },
      headers: { 'idempotency-key': randomUUID(), 'sandbox-suppress-webhooks': 'true' },
    });
    expect(made.status).toBe(200);
    const repaired = await until(placed.id, c.token, 'partially_refunded');
    expect(repaired.refunded.amount).toBe(100);
  });

  it('shows customers their own payments and admins everyone’s', async () => {
    const a = await customer();
    const b = await customer();
    const placed = await order(a.token, 'pm_card_visa');
    const payment = await paymentOf(placed.id, a.token);
    expect((await api.get(`/v1/payments/${payment.id}`, a.token)).status).toBe(200);
    expect((await api.get(`/v1/payments/${payment.id}`, b.token)).status).toBe(404);
    expect((await api.get('/v1/admin/payments', a.token)).status).toBe(403);
    const all = await api.get('/v1/admin/payments?limit=100', admin);
    expect(all.status).toBe(200);
    expect(all.body.items.length).toBeGreaterThan(10);
  });

  it('ends consistent: stock balances, one charge at most, refunds within captured, orders agree with payments', async () => {
    const db = (name: string) => platform.processes.find((p) => p.name === name)!.database!.url;
    let problems: string[] = [];
    // The platform is eventually consistent: wait for the last events and reconciliation.
    await waitFor(
      async () => {
        problems = await findInconsistencies({
          orderDb: db('order'),
          paymentDb: db('payment'),
          providerCharges: await allCharges(),
        });
        return problems.length === 0;
      },
      { timeoutMs: 30_000, what: 'a consistent platform' },
    ).catch(() => undefined);
    expect(problems).toEqual([]);

    // And the check can fail: a unit of stock appearing from nowhere and an order marked
    // refunded that its payment never refunded are both reported.
    const [product] = await queryDb<{ id: string }>(db('order'), 'SELECT id FROM products LIMIT 1');
    const [paidOrder] = await queryDb<{ id: string }>(
      db('order'),
      "SELECT id FROM orders WHERE status = 'paid' LIMIT 1",
    );
    await queryDb(db('order'), 'UPDATE products SET stock = stock + 1 WHERE id = $1', [
      product!.id,
    ]);
    await queryDb(db('order'), "UPDATE orders SET status = 'refunded' WHERE id = $1", [
      paidOrder!.id,
    ]);
    const tampered = await findInconsistencies({
      orderDb: db('order'),
      paymentDb: db('payment'),
      providerCharges: await allCharges(),
    });
    expect(tampered).toEqual([
      expect.stringContaining(`product ${product!.id}`),
      expect.stringContaining(`order ${paidOrder!.id} is refunded but its payment is succeeded`),
    ]);
  });
});
