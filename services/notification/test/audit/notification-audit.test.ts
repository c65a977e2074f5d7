// The notification service's audit trail on a real database: webhook endpoint changes (create,
// update, disable and enable, secret rotation, delete) and redeliveries each leave an entry by
// their owner — never a secret —, a change whose commit fails leaves none, and
// verify-audit-chain names a tampered entry.
import { randomUUID } from 'node:crypto';
import {
  auditEntries,
  queryDb,
  startSmtpCapture,
  verifyBeforeAndAfterTampering,
  withFailingCommits,
  type SmtpCapture,
} from '@switchyard/testing';
import { closeAfterTests, serviceDir, startNotificationService } from '../support.js';

describe('notification audit trail', () => {
  let smtp: SmtpCapture;
  let service: Awaited<ReturnType<typeof startNotificationService>>;
  const owner = randomUUID();
  let headers: { authorization: string };

  beforeAll(async () => {
    smtp = await startSmtpCapture();
    // Deliveries go nowhere here: the endpoints are only changed, never called.
    service = await startNotificationService(smtp.smtpUrl, {
      WEBHOOK_ALLOWED_TARGETS: '127.0.0.1/32',
    });
    headers = { authorization: `Bearer ${await service.ctx.jwks.sign({ userId: owner })}` };
  });
  afterAll(() => closeAfterTests(smtp, () => service?.close()));

  const call = (method: 'POST' | 'PATCH' | 'DELETE' | 'GET', url: string, payload?: object) =>
    service.app.inject({ method, url, headers, payload });
  const entries = (action?: string) => auditEntries(service.ctx.databaseUrl, action);
  const createEndpoint = async () => {
    const created = await call('POST', '/v1/webhooks/endpoints', {
      url: 'http://127.0.0.1:9/hook',
      eventTypes: ['order.paid'],
    });
    expect(created.statusCode).toBe(201);
    return created.json() as { id: string; secret: string };
  };

  it('records every change to an endpoint by its owner, and never a secret', async () => {
    const endpoint = await createEndpoint();
    const id = endpoint.id;
    expect(
      (await call('PATCH', `/v1/webhooks/endpoints/${id}`, { description: 'shop' })).statusCode,
    ).toBe(200);
    expect(
      (await call('PATCH', `/v1/webhooks/endpoints/${id}`, { status: 'disabled' })).statusCode,
    ).toBe(200);
    expect(
      (await call('PATCH', `/v1/webhooks/endpoints/${id}`, { status: 'active' })).statusCode,
    ).toBe(200);
    const rotated = await call('POST', `/v1/webhooks/endpoints/${id}/rotate-secret`, {
      overlapSeconds: 60,
    });
    expect(rotated.statusCode).toBe(200);
    expect((await call('DELETE', `/v1/webhooks/endpoints/${id}`)).statusCode).toBe(204);

    const recorded = (await entries()).filter((e) => e.target_id === id);
    expect(recorded.map((e) => e.action)).toEqual([
      'webhook_endpoint.created',
      'webhook_endpoint.updated',
      'webhook_endpoint.disabled',
      'webhook_endpoint.enabled',
      'webhook_endpoint.secret_rotated',
      'webhook_endpoint.deleted',
    ]);
    for (const entry of recorded)
      expect(entry).toMatchObject({
        actor_type: 'user',
        actor_id: owner,
        target_type: 'webhook_endpoint',
      });
    expect(recorded[0]!.changes).toMatchObject({
      url: { before: null, after: 'http://127.0.0.1:9/hook' },
      eventTypes: { before: null, after: ['order.paid'] },
      status: { before: null, after: 'active' },
    });
    expect(recorded[1]!.changes).toEqual({ description: { before: null, after: 'shop' } });
    expect(recorded[2]!.changes).toEqual({
      status: { before: 'active', after: 'disabled' },
      disabledReason: { before: null, after: 'disabled by its owner' },
    });
    expect(recorded[4]!.details).toMatchObject({ overlapSeconds: 60 });
    expect(recorded[5]!.changes).toMatchObject({
      url: { before: 'http://127.0.0.1:9/hook', after: null },
    });
    // Neither the secret nor its sealed form is anywhere in the trail.
    const stored = JSON.stringify(recorded);
    expect(stored).not.toContain(endpoint.secret);
    expect(stored).not.toContain(rotated.json().secret);
    expect(stored).not.toMatch(/ciphertext/i);

    // The admin search finds them.
    const admin = `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID(), roles: ['admin'] })}`;
    const found = await service.app.inject({
      url: `/v1/admin/audit-events/notification?targetType=webhook_endpoint&targetId=${id}`,
      headers: { authorization: admin },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().items).toHaveLength(6);
  });

  it('records a redelivery of a failed delivery', async () => {
    const endpoint = await createEndpoint();
    const deliveryId = randomUUID();
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO webhook_deliveries (id, endpoint_id, event_id, event_type, payload, status, attempts, last_error)
       VALUES ($1, $2, $3, 'order.paid', '{}', 'failed', 8, 'connection refused')`,
      [deliveryId, endpoint.id, randomUUID()],
    );
    const redelivered = await call('POST', `/v1/webhooks/deliveries/${deliveryId}/redeliver`);
    expect(redelivered.statusCode).toBe(202);
    const recorded = (await entries('webhook_delivery.redelivered')).filter(
      (e) => e.target_id === deliveryId,
    );
    expect(recorded).toEqual([
      expect.objectContaining({
        actor_type: 'user',
        actor_id: owner,
        target_type: 'webhook_delivery',
        changes: {
          status: { before: 'failed', after: 'pending' },
          attempts: { before: 8, after: 0 },
        },
        details: expect.objectContaining({ endpointId: endpoint.id, eventType: 'order.paid' }),
      }),
    ]);
    // Someone else's delivery is not found, and records nothing.
    const stranger = {
      authorization: `Bearer ${await service.ctx.jwks.sign({ userId: randomUUID() })}`,
    };
    const hidden = await service.app.inject({
      method: 'POST',
      url: `/v1/webhooks/deliveries/${deliveryId}/redeliver`,
      headers: stranger,
    });
    expect(hidden.statusCode).toBe(404);
    expect(await entries('webhook_delivery.redelivered')).toHaveLength(1);
  });

  it('records nothing for a change whose transaction rolls back', async () => {
    const endpoint = await createEndpoint();
    const before = await entries();
    const failed = await withFailingCommits(service.ctx.databaseUrl, 'webhook_endpoints', () =>
      call('PATCH', `/v1/webhooks/endpoints/${endpoint.id}`, { description: 'never' }),
    );
    expect(failed.statusCode).toBe(500);
    expect(await entries()).toEqual(before);
  });

  it('verify-audit-chain says the chain holds, names an entry altered, and holds again once it is put back', async () => {
    const { intact, broken, restored, tamperedId } = await verifyBeforeAndAfterTampering(
      serviceDir,
      service.ctx.databaseUrl,
      { stream: 'notification', seq: 3 },
    );
    expect(intact.code).toBe(0);
    expect(intact.out).toMatch(/^notification: intact, \d+ entries from the start/m);
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      `notification: BROKEN at seq 3 (entry ${tamperedId}): its content was altered`,
    );
    expect(restored.code).toBe(0);
  });
});
