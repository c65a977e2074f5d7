// The billing service's audit trail on a real database: what it records (here a dead letter
// discarded by an admin) is searchable by admins, and verify-audit-chain names a tampered entry.
import { randomUUID } from 'node:crypto';
import { createEvent, Topics } from '@switchyard/contracts';
import {
  auditEntries,
  verifyBeforeAndAfterTampering,
  waitFor,
  writeDeadLetter,
} from '@switchyard/testing';
import { serviceDir, startBillingService, type BillingService } from '../support.js';

describe('billing audit trail', () => {
  let service: BillingService;
  let admin: string;
  const adminId = randomUUID();
  beforeAll(async () => {
    service = await startBillingService();
    admin = `Bearer ${await service.ctx.jwks.sign({ userId: adminId, roles: ['admin'] })}`;
  });
  afterAll(() => service.close());

  it('records a dead letter discarded, and verify-audit-chain names an entry altered', async () => {
    const event = createEvent('order.cancelled', {
      source: 'order',
      subject: randomUUID(),
      data: { orderId: randomUUID(), userId: randomUUID(), reason: 'test' },
    });
    await writeDeadLetter(service.ctx.namespace, { service: 'billing', event, reason: 'test' });
    let letter: { topic: string; partition: number; offset: string } | undefined;
    await waitFor(
      async () => {
        const listed = await service.app.inject({
          url: `/v1/admin/dead-letters/billing?topic=${Topics.orders}`,
          headers: { authorization: admin },
        });
        letter = listed.json().items.find((l: { eventId: string }) => l.eventId === event.id);
        return letter !== undefined;
      },
      { what: 'the dead letter listed' },
    );
    const { topic, partition, offset } = letter!;
    const discarded = await service.app.inject({
      method: 'POST',
      url: '/v1/admin/dead-letters/billing/discard',
      headers: { authorization: admin },
      payload: { topic, partition, offset },
    });
    expect(discarded.statusCode).toBe(204);
    expect(await auditEntries(service.ctx.databaseUrl, 'dead_letter.discarded')).toEqual([
      expect.objectContaining({
        actor_type: 'admin',
        actor_id: adminId,
        target_type: 'dead_letter',
        target_id: `${topic}/${partition}/${offset}`,
        details: expect.objectContaining({ eventId: event.id }),
      }),
    ]);
    const found = await service.app.inject({
      url: '/v1/admin/audit-events/billing?action=dead_letter.discarded',
      headers: { authorization: admin },
    });
    expect(found.statusCode).toBe(200);
    expect(found.json().items).toHaveLength(1);

    const { intact, broken, tamperedId } = await verifyBeforeAndAfterTampering(
      serviceDir,
      service.ctx.databaseUrl,
      { stream: 'billing', seq: 1 },
    );
    expect(intact).toMatchObject({
      code: 0,
      out: expect.stringMatching(/^billing: intact, 1 entries/m),
    });
    expect(broken.code).toBe(1);
    expect(broken.out).toContain(
      `billing: BROKEN at seq 1 (entry ${tamperedId}): its content was altered`,
    );
  });
});
