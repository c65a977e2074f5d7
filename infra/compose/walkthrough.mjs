#!/usr/bin/env node
// The README walkthrough as a check, through the gateway only: register → log in → order →
// paid → the confirmation email captured. Exits 1 with the step that failed.
// Usage: node walkthrough.mjs [gateway-url] [mail-ui-url]
const gateway = process.argv[2] ?? 'http://127.0.0.1:8080';
const mailUi = process.argv[3] ?? 'http://127.0.0.1:1080';
const MUG = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0001';

async function call(method, path, { token, body } = {}) {
  const res = await fetch(gateway + path, {
    method,
    headers: {
      ...(body ? { 'content-type': 'application/json' } : {}),
      ...(token ? { authorization: `Bearer ${token}` } : {}),
    },
    body: body ? JSON.stringify(body) : undefined,
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined };
}

async function eventually(what, probe, timeoutMs = 30_000) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe().catch(() => undefined);
    if (value) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
}

function expectStatus(step, response, status) {
  if (response.status !== status) {
    throw new Error(
      `${step}: expected ${status}, got ${response.status} ${JSON.stringify(response.body)}`,
    );
  }
}

const started = Date.now();
const email = `walkthrough-${Date.now()}@example.com`;
const password = 'a long passphrase';
try {
  expectStatus(
    'register',
    await call('POST', '/v1/auth/register', { body: { email, password, name: 'Ada' } }),
    201,
  );
  const login = await call('POST', '/v1/auth/login', { body: { email, password } });
  expectStatus('log in', login, 200);
  const token = login.body.accessToken;
  const order = await call('POST', '/v1/orders', {
    token,
    body: { lines: [{ productId: MUG, quantity: 2 }], paymentMethod: 'pm_card_visa' },
  });
  expectStatus('place an order', order, 201);
  await eventually(
    'the order paid',
    async () =>
      (await call('GET', `/v1/orders/${order.body.id}`, { token })).body.status === 'paid',
  );
  const mail = await eventually('the confirmation email captured', async () => {
    const emails = await (await fetch(`${mailUi}/email`)).json();
    return emails.find((m) => m.to?.[0]?.address === email && /confirmed/i.test(m.subject));
  });
  console.log(
    `walkthrough: registered ${email}, order ${order.body.id} paid, email "${mail.subject}" captured (${Date.now() - started} ms)`,
  );
} catch (error) {
  console.error(`walkthrough failed: ${error.message}`);
  process.exit(1);
}
