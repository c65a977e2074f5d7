import { randomUUID } from 'node:crypto';
import { createEvent } from '@switchyard/contracts';
import {
  metricValue,
  publishEvent,
  queryDb,
  startSmtpCapture,
  startWebhookReceiver,
  waitFor,
  type SmtpCapture,
} from '@switchyard/testing';
import { SecretBox } from '@switchyard/service-kit';
import { closeAfterTests, startNotificationService, TEST_WEBHOOK_SECRETS_KEY } from '../support.js';

describe('outgoing webhooks', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  let receiver: Awaited<ReturnType<typeof startWebhookReceiver>>;

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    receiver = await startWebhookReceiver({ failFirst: 2 });
    service = await startNotificationService(smtp.smtpUrl, {
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
      WEBHOOK_MAX_ATTEMPTS: '4',
      WEBHOOK_DISABLE_AFTER_SECONDS: '2',
    });
  });
  afterAll(() =>
    closeAfterTests(
      smtp,
      () => service?.close(),
      () => receiver?.close(),
    ),
  );

  const as = async (userId: string) => ({
    authorization: `Bearer ${await service.ctx.jwks.sign({ userId })}`,
  });
  async function register(userId: string, path: string, eventTypes = ['order.paid']) {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: await as(userId),
      payload: { url: `${receiver.base}${path}`, eventTypes },
    });
    expect(res.statusCode).toBe(201);
    receiver.setSecret(path, res.json().secret);
    return res.json() as { id: string; secret: string };
  }
  const orderPaid = (userId: string) => {
    const orderId = randomUUID();
    return createEvent('order.paid', {
      source: 'order',
      subject: orderId,
      data: { orderId, userId, paymentId: randomUUID(), total: { amount: 990, currency: 'EUR' } },
    });
  };
  const metric = async (name: string, labels: Record<string, string> = {}) =>
    metricValue((await service.app.inject({ url: '/metrics' })).body, name, labels);
  const deliveries = async (userId: string, endpointId: string) =>
    (
      await service.app.inject({
        url: `/v1/webhooks/endpoints/${endpointId}/deliveries`,
        headers: await as(userId),
      })
    ).json().items;

  it('shows the signing secret once and keeps it encrypted at rest', async () => {
    const userId = randomUUID();
    const endpoint = await register(userId, '/secret-check');
    // Standard Webhooks: whsec_ + base64 of the key (here 32 bytes).
    expect(endpoint.secret).toMatch(/^whsec_[A-Za-z0-9+/]{43}=$/);
    const [row] = await queryDb<{ secret_ciphertext: string }>(
      service.ctx.databaseUrl,
      'SELECT secret_ciphertext FROM webhook_endpoints WHERE id = $1',
      [endpoint.id],
    );
    expect(row!.secret_ciphertext).not.toContain(endpoint.secret.slice(6));
    expect(new SecretBox(TEST_WEBHOOK_SECRETS_KEY).open(row!.secret_ciphertext)).toBe(
      endpoint.secret,
    );
    const listed = await service.app.inject({
      url: '/v1/webhooks/endpoints',
      headers: await as(userId),
    });
    expect(JSON.stringify(listed.json())).not.toContain(endpoint.secret);
    const stranger = await service.app.inject({
      url: `/v1/webhooks/endpoints/${endpoint.id}`,
      headers: await as(randomUUID()),
    });
    expect(stranger.statusCode).toBe(404);
  });

  it.each([
    'http://10.0.0.1/hook',
    'http://169.254.169.254/latest/meta-data/',
    'http://[::1]/hook',
    'http://2130706434/hook', // 127.0.0.2 in decimal (only 127.0.0.1 is allowlisted here)
    'http://0x7f.0.0.2/hook',
    'ftp://example.com/hook',
  ])('refuses to register %s', async (url) => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: await as(randomUUID()),
      payload: { url, eventTypes: ['order.paid'] },
    });
    expect(res.statusCode).toBe(422);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.json().detail).toMatch(/webhook URL refused/);
  });

  it('refuses subscriptions to event types that carry secrets', async () => {
    const res = await service.app.inject({
      method: 'POST',
      url: '/v1/webhooks/endpoints',
      headers: await as(randomUUID()),
      payload: { url: `${receiver.base}/x`, eventTypes: ['user.password_reset_requested'] },
    });
    expect(res.statusCode).toBe(400);
  });

  it('signs each delivery, retries after 500s with backoff, and is accepted exactly once', async () => {
    const delivered = await metric('webhook_deliveries_total', { outcome: 'delivered' });
    const retrying = await metric('webhook_deliveries_total', { outcome: 'retrying' });
    const userId = randomUUID();
    const endpoint = await register(userId, '/flaky');
    const event = orderPaid(userId);
    await publishEvent(service.ctx.namespace, event, 2); // Kafka redelivers it too
    await waitFor(async () => (await deliveries(userId, endpoint.id))[0]?.status === 'succeeded', {
      what: 'delivered after retries',
    });
    const mine = receiver.received.filter((r) => r.path === '/flaky');
    expect(mine.map((r) => r.answered)).toEqual([500, 500, 200]);
    expect(new Set(mine.map((r) => r.eventId))).toEqual(new Set([event.id]));
    expect(receiver.accepted.get(`/flaky ${event.id}`)).toBe(1);
    expect(JSON.parse(mine[2]!.body)).toMatchObject({
      id: event.id,
      type: 'order.paid',
      data: { userId },
    });
    const [delivery] = await deliveries(userId, endpoint.id);
    expect(delivery.attempts).toBe(3);
    expect(delivery.attemptLog.map((a: { statusCode: number }) => a.statusCode)).toEqual([
      500, 500, 200,
    ]);
    const gaps = delivery.attemptLog
      .slice(1)
      .map(
        (a: { at: string }, i: number) => Date.parse(a.at) - Date.parse(delivery.attemptLog[i].at),
      );
    expect(gaps[0]).toBeGreaterThanOrEqual(50); // 100 ms base, jittered down to half at most
    expect(gaps[1]).toBeGreaterThanOrEqual(100); // doubled
    // Operators see the attempts by outcome.
    expect(await metric('webhook_deliveries_total', { outcome: 'retrying' })).toBe(retrying + 2);
    expect(await metric('webhook_deliveries_total', { outcome: 'delivered' })).toBe(delivered + 1);
  });

  it('sends Standard Webhooks headers a standardwebhooks verifier accepts', async () => {
    const userId = randomUUID();
    await register(userId, '/standard');
    const event = orderPaid(userId);
    await publishEvent(service.ctx.namespace, event);
    const delivery = await waitFor(
      async () => receiver.received.find((r) => r.path === '/standard' && r.answered === 200),
      { what: 'a verified delivery' },
    );
    expect(delivery.headers['webhook-id']).toBe(event.id);
    expect(
      Math.abs(Number(delivery.headers['webhook-timestamp']) - Date.now() / 1000),
    ).toBeLessThan(60);
    expect(delivery.headers['webhook-signature']).toMatch(/^v1,[A-Za-z0-9+/]+=*$/);
    expect(delivery.headers['content-type']).toBe('application/json');
  });

  it('rotates a secret without downtime: both sign during the overlap, then only the new one', async () => {
    const userId = randomUUID();
    const old = await register(userId, '/rotating');
    const rotate = (payload?: object) =>
      as(userId).then((headers) =>
        service.app.inject({
          method: 'POST',
          url: `/v1/webhooks/endpoints/${old.id}/rotate-secret`,
          headers,
          ...(payload ? { payload } : {}),
        }),
      );
    const rotated = await rotate();
    expect(rotated.statusCode).toBe(200);
    const fresh = rotated.json() as { secret: string; previousSecretExpiresAt: string };
    expect(fresh.secret).not.toBe(old.secret);
    expect(Date.parse(fresh.previousSecretExpiresAt) - Date.now()).toBeGreaterThan(23 * 3600e3);

    const deliveredWith = async (secrets: string[]) => {
      receiver.setSecrets('/rotating', secrets);
      const event = orderPaid(userId);
      await publishEvent(service.ctx.namespace, event);
      return waitFor(
        async () =>
          receiver.received.find((r) => r.path === '/rotating' && r.eventId === event.id)?.answered,
        { what: 'a delivery to the rotating endpoint' },
      );
    };
    // The receiver has not deployed the new secret yet, or already has: both verify.
    expect(await deliveredWith([old.secret])).toBe(200);
    expect(await deliveredWith([fresh.secret])).toBe(200);

    // Ending the overlap at once: the replaced secret no longer verifies anything.
    const again = await rotate({ overlapSeconds: 0 });
    const newest = again.json().secret as string;
    expect(await deliveredWith([fresh.secret])).toBe(401);
    receiver.setSecrets('/rotating', [newest]);
  });

  it('marks a delivery failed after its attempts, disables the endpoint, tells the owner, and redelivers on request', async () => {
    const disabledBefore = await metric('webhook_endpoints_disabled_total');
    const failedBefore = await metric('webhook_deliveries_total', { outcome: 'failed' });
    const userId = randomUUID();
    const endpoint = await register(userId, '/down');
    // Telling the owner takes a while (0.5 s per inbox row): if it were not in the transaction
    // that disables the endpoint, the endpoint would be seen disabled with no word to its owner.
    await queryDb(
      service.ctx.databaseUrl,
      `CREATE OR REPLACE FUNCTION slow_disabled_notice() RETURNS trigger AS $$
         BEGIN PERFORM pg_sleep(0.5); RETURN NEW; END $$ LANGUAGE plpgsql;
       CREATE OR REPLACE TRIGGER slow_disabled_notice BEFORE INSERT ON notifications
         FOR EACH ROW WHEN (NEW.event_type = 'webhook.endpoint_disabled')
         EXECUTE FUNCTION slow_disabled_notice()`,
    );
    await publishEvent(service.ctx.namespace, orderPaid(userId));
    await waitFor(async () => (await deliveries(userId, endpoint.id))[0]?.status === 'failed', {
      what: 'failed after 4 attempts',
    });
    const [failed] = await deliveries(userId, endpoint.id);
    expect(failed.attempts).toBe(4);
    expect(failed.lastStatusCode).toBe(500);

    const owner = await as(userId);
    await waitFor(
      async () =>
        (
          await service.app.inject({ url: `/v1/webhooks/endpoints/${endpoint.id}`, headers: owner })
        ).json().status === 'disabled',
      { what: 'endpoint disabled' },
    );
    const inbox = await service.app.inject({ url: '/v1/notifications', headers: owner });
    expect(inbox.json().items.map((n: { title: string }) => n.title)).toContain(
      'A webhook endpoint was disabled',
    );
    expect(await metric('webhook_endpoints_disabled_total')).toBe(disabledBefore + 1);
    expect(await metric('webhook_deliveries_total', { outcome: 'failed' })).toBe(failedBefore + 1);

    // The integrator fixes their endpoint, enables it again and asks for the failed delivery.
    await service.app.inject({
      method: 'PATCH',
      url: `/v1/webhooks/endpoints/${endpoint.id}`,
      headers: owner,
      payload: { url: `${receiver.base}/fixed`, status: 'active' },
    });
    receiver.setSecret('/fixed', endpoint.secret);
    const redeliver = await service.app.inject({
      method: 'POST',
      url: `/v1/webhooks/deliveries/${failed.id}/redeliver`,
      headers: owner,
    });
    expect(redeliver.statusCode).toBe(202);
    await waitFor(async () => (await deliveries(userId, endpoint.id))[0]?.status === 'succeeded', {
      what: 'redelivered',
    });
    const again = await service.app.inject({
      method: 'POST',
      url: `/v1/webhooks/deliveries/${failed.id}/redeliver`,
      headers: owner,
    });
    expect(again.statusCode).toBe(409);
  });

  it('checks the address again at delivery: an endpoint now pointing inward is never called', async () => {
    const userId = randomUUID();
    const endpoint = await register(userId, '/moved');
    // As if its DNS name had changed to a private address after registration.
    await queryDb(
      service.ctx.databaseUrl,
      "UPDATE webhook_endpoints SET url = 'http://10.255.255.1/hook' WHERE id = $1",
      [endpoint.id],
    );
    await publishEvent(service.ctx.namespace, orderPaid(userId));
    await waitFor(async () => (await deliveries(userId, endpoint.id))[0]?.attempts >= 1, {
      what: 'an attempt',
    });
    const [delivery] = await deliveries(userId, endpoint.id);
    expect(delivery.lastError).toMatch(/non-public address \(10\.255\.255\.1\)/);
    expect(delivery.attemptLog[0].durationMs).toBeLessThan(1000); // refused, not a connect timeout
  });

  it('sends nothing to a user’s endpoint for a category they turned off for webhooks', async () => {
    const userId = randomUUID();
    const endpoint = await register(userId, '/muted');
    await service.app.inject({
      method: 'PATCH',
      url: '/v1/notifications/preferences',
      headers: await as(userId),
      payload: { webhook: { order: false } },
    });
    await publishEvent(service.ctx.namespace, orderPaid(userId));
    await waitFor(
      async () =>
        (
          await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM notifications WHERE user_id = $1', [
            userId,
          ])
        ).length === 1,
      { what: 'the event handled' },
    );
    expect(await deliveries(userId, endpoint.id)).toEqual([]);
  });
});
