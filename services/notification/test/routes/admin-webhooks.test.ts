import { randomUUID } from 'node:crypto';
import { SecretBox } from '@switchyard/service-kit';
import { queryDb, startSmtpCapture, type SmtpCapture } from '@switchyard/testing';
import { closeAfterTests, startNotificationService, TEST_WEBHOOK_SECRETS_KEY } from '../support.js';

/**
 * Staff see every integrator's webhook endpoints and deliveries and redeliver a failed one
 * (GET /v1/admin/webhooks/..., POST .../redeliver); anyone without the admin role is refused.
 */
describe('admin webhook routes', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  let admin: { authorization: string };
  let customer: { authorization: string };
  const box = new SecretBox(TEST_WEBHOOK_SECRETS_KEY, 'WEBHOOK_SECRETS_KEY');
  const owners = [randomUUID(), randomUUID()];
  const endpointIds: string[] = [randomUUID(), randomUUID()];
  const failedDelivery = randomUUID();

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    service = await startNotificationService(smtp.smtpUrl);
    admin = {
      authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] })}`,
    };
    customer = { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: owners[0]! })}` };
    // Disabled endpoints: the dispatcher leaves their deliveries alone while the test looks.
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO webhook_endpoints (id, owner_kind, owner_id, url, event_types, secret_ciphertext, status, created_at, updated_at)
       VALUES ($1::uuid, 'user', $3, 'https://one.example.com/hook', '{order.paid}', $5, 'disabled', now() - interval '1 minute', now()),
              ($2::uuid, 'client', $4, 'https://two.example.com/hook', '{order.paid}', $5, 'disabled', now(), now())`,
      [endpointIds[0], endpointIds[1], owners[0], owners[1], box.seal('whsec_test')],
    );
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, attempts, last_status_code, last_error)
       VALUES ($1::uuid, $2::uuid, $3, 'order.paid', '{}', 'failed', 3, 500, 'answered 500')`,
      [failedDelivery, endpointIds[0], randomUUID()],
    );
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  const call = (method: 'GET' | 'POST', url: string, headers = admin) =>
    service.app.inject({ method, url, headers });

  it("lists every owner's endpoints with their owner, newest first, and filters by owner", async () => {
    const all = await call('GET', '/v1/admin/webhooks/endpoints');
    expect(all.statusCode).toBe(200);
    const mine = all.json().items.filter((e: { id: string }) => endpointIds.includes(e.id));
    expect(mine).toEqual([
      expect.objectContaining({ id: endpointIds[1], owner: { kind: 'client', id: owners[1] } }),
      expect.objectContaining({ id: endpointIds[0], owner: { kind: 'user', id: owners[0] } }),
    ]);
    const one = await call('GET', `/v1/admin/webhooks/endpoints?ownerId=${owners[0]}`);
    expect(one.json()).toEqual({
      items: [expect.objectContaining({ id: endpointIds[0] })],
      nextCursor: null,
    });
  });

  it("reads any endpoint's deliveries, and redelivers a failed one once", async () => {
    const deliveries = await call(
      'GET',
      `/v1/admin/webhooks/endpoints/${endpointIds[0]}/deliveries`,
    );
    expect(deliveries.statusCode).toBe(200);
    expect(deliveries.json().items).toEqual([
      expect.objectContaining({ id: failedDelivery, status: 'failed', attempts: 3 }),
    ]);

    const resent = await call('POST', `/v1/admin/webhooks/deliveries/${failedDelivery}/redeliver`);
    expect(resent.statusCode).toBe(202);
    expect(resent.json()).toMatchObject({ id: failedDelivery, status: 'pending', attempts: 0 });
    const [row] = await queryDb<{ status: string }>(
      service.ctx.databaseUrl,
      'SELECT status FROM webhook_deliveries WHERE id = $1',
      [failedDelivery],
    );
    expect(row!.status).toBe('pending');
    // The admin's redelivery is in the service's audit trail, with the admin as its actor.
    const entries = await queryDb<{ actor_type: string; target_id: string }>(
      service.ctx.databaseUrl,
      `SELECT actor_type, target_id FROM audit_events WHERE action = 'webhook_delivery.redelivered'`,
    );
    expect(entries).toEqual([{ actor_type: 'admin', target_id: failedDelivery }]);

    const again = await call('POST', `/v1/admin/webhooks/deliveries/${failedDelivery}/redeliver`);
    expect(again.statusCode).toBe(409);
    expect(again.headers['content-type']).toContain('application/problem+json');
  });

  it('answers 404 for an unknown endpoint or delivery', async () => {
    expect((await call('GET', `/v1/admin/webhooks/endpoints/${randomUUID()}`)).statusCode).toBe(
      404,
    );
    expect(
      (await call('GET', `/v1/admin/webhooks/endpoints/${randomUUID()}/deliveries`)).statusCode,
    ).toBe(404);
    expect(
      (await call('POST', `/v1/admin/webhooks/deliveries/${randomUUID()}/redeliver`)).statusCode,
    ).toBe(404);
  });

  it('refuses a customer, even the owner of the endpoint', async () => {
    expect((await call('GET', '/v1/admin/webhooks/endpoints', customer)).statusCode).toBe(403);
    expect(
      (await call('POST', `/v1/admin/webhooks/deliveries/${failedDelivery}/redeliver`, customer))
        .statusCode,
    ).toBe(403);
  });
});
