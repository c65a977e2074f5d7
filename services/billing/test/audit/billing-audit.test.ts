// The billing service's audit trail on a real database: what it records (a dead letter
// discarded by an admin, plans changed by an admin, what customers do to their subscriptions,
// an account's erasure) is searchable by admins, an action that rolls back leaves no entry, and
// verify-audit-chain names a tampered entry.
import { randomUUID } from 'node:crypto';
import { createEvent, Topics } from '@switchyard/contracts';
import {
  auditEntries,
  publishEvent,
  verifyBeforeAndAfterTampering,
  waitFor,
  withFailingCommits,
  writeDeadLetter,
} from '@switchyard/testing';
import {
  createMonthlyPlan,
  serviceDir,
  startBillingService,
  subscribeNewCustomer,
  type BillingService,
} from '../support.js';

describe('billing audit trail', () => {
  let service: BillingService;
  let admin: string;
  const adminId = randomUUID();
  beforeAll(async () => {
    service = await startBillingService();
    admin = `Bearer ${await service.ctx.jwks.sign({ userId: adminId, roles: ['admin'] })}`;
  });
  afterAll(() => service.close());

  /** A customer sets their subscription's card. */
  const setCard = (token: string, id: string, paymentMethod: string) =>
    service.app.inject({
      method: 'PATCH',
      url: `/v1/subscriptions/${id}`,
      headers: { authorization: `Bearer ${token}` },
      payload: { paymentMethod },
    });
  /** The entries about one subscription, oldest first. */
  const entriesOf = async (targetId: string) =>
    (await auditEntries(service.ctx.databaseUrl)).filter((e) => e.target_id === targetId);

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
  it('records an admin creating, repricing and retiring a plan, with before and after', async () => {
    const planId = await createMonthlyPlan(service, { code: 'audit-basic', name: 'Basic' });
    const patch = (payload: object) =>
      service.app.inject({
        method: 'PATCH',
        url: `/v1/admin/plans/${planId}`,
        headers: { authorization: admin, 'user-agent': 'console-test' },
        payload,
      });
    expect((await patch({ price: { amount: 1200, currency: 'EUR' } })).statusCode).toBe(200);
    expect((await patch({ active: false })).statusCode).toBe(200);
    const created = await auditEntries(service.ctx.databaseUrl, 'plan.created');
    expect(created).toEqual([
      expect.objectContaining({
        actor_type: 'admin',
        target_type: 'plan',
        target_id: planId,
        changes: expect.objectContaining({ priceMinor: { before: null, after: 1000 } }),
      }),
    ]);
    expect(await auditEntries(service.ctx.databaseUrl, 'plan.updated')).toEqual([
      expect.objectContaining({
        actor_type: 'admin',
        actor_id: adminId,
        target_id: planId,
        changes: { priceMinor: { before: 1000, after: 1200 } },
        request_id: expect.any(String),
      }),
    ]);
    expect(await auditEntries(service.ctx.databaseUrl, 'plan.retired')).toEqual([
      expect.objectContaining({ changes: { active: { before: true, after: false } } }),
    ]);
  });

  it("records what a customer does to a subscription, with the money it moves, as the customer's", async () => {
    const planId = await createMonthlyPlan(service, { code: 'audit-monthly', name: 'Monthly' });
    const cheaper = await createMonthlyPlan(service, { code: 'audit-cheaper', name: 'Cheaper' });
    const { id, userId, token } = await subscribeNewCustomer(service, planId);
    const as = { authorization: `Bearer ${token}` };
    expect((await setCard(token, id, 'pm_2OtherCard')).statusCode).toBe(200);
    // Not yet paid (incomplete): a plan change is refused with 409, and leaves no entry.
    const change = await service.app.inject({
      method: 'POST',
      url: `/v1/subscriptions/${id}/change-plan`,
      headers: as,
      payload: { planId: cheaper },
    });
    expect(change.statusCode).toBe(409);
    const cancel = await service.app.inject({
      method: 'POST',
      url: `/v1/subscriptions/${id}/cancel`,
      headers: as,
      payload: { when: 'now' },
    });
    expect(cancel.statusCode).toBe(200);
    const mine = await entriesOf(id);
    expect(mine.map((e) => e.action)).toEqual([
      'subscription.created',
      'subscription.payment_method_changed',
      'subscription.canceled',
    ]);
    for (const entry of mine) {
      expect(entry).toMatchObject({ actor_type: 'user', actor_id: userId });
    }
    expect(mine[0]!.details).toMatchObject({ planId, price: { amount: 1000, currency: 'EUR' } });
    // The card's provider id is in no entry: it would outlive the account's deletion there.
    expect(JSON.stringify(mine)).not.toMatch(/pm_/);
    expect(mine[1]!.details).toEqual({ retriedCharge: false });
    expect(mine[2]).toMatchObject({
      changes: { status: { before: 'incomplete', after: 'canceled' } },
      details: { reason: 'canceled_by_customer', refunded: { amount: 0, currency: 'EUR' } },
    });
  });

  it('records a trial, a plan changed during it and a cancellation scheduled; nothing for a card set again', async () => {
    const adminHeaders = { authorization: admin };
    const plan = async (code: string, amount: number) => {
      const res = await service.app.inject({
        method: 'POST',
        url: '/v1/admin/plans',
        headers: adminHeaders,
        payload: {
          code,
          name: code,
          price: { amount, currency: 'EUR' },
          interval: 'month',
          trialDays: 14,
        },
      });
      expect(res.statusCode).toBe(201);
      return res.json().id as string;
    };
    const [basic, plus] = [
      await plan('audit-trial-basic', 900),
      await plan('audit-trial-plus', 1900),
    ];
    const { id, userId, token } = await subscribeNewCustomer(service, basic);
    const as = { authorization: `Bearer ${token}` };
    const post = (url: string, payload: object) =>
      service.app.inject({ method: 'POST', url, headers: as, payload });
    expect((await post(`/v1/subscriptions/${id}/change-plan`, { planId: plus })).statusCode).toBe(
      200,
    );
    expect((await post(`/v1/subscriptions/${id}/cancel`, { when: 'period_end' })).statusCode).toBe(
      200,
    );
    expect((await setCard(token, id, 'pm_1SavedCard')).statusCode).toBe(200);
    const mine = await entriesOf(id);
    expect(mine.map((e) => [e.action, e.actor_id])).toEqual([
      ['subscription.trial_started', userId],
      ['subscription.plan_changed', userId],
      ['subscription.cancel_scheduled', userId],
    ]);
    expect(mine[0]!.changes).toEqual({ status: { before: null, after: 'trialing' } });
    expect(mine[1]).toMatchObject({
      changes: {
        planId: { before: basic, after: plus },
        priceMinor: { before: 900, after: 1900 },
      },
      details: { proration: null, refunded: { amount: 0, currency: 'EUR' } },
    });
    expect(mine[2]!.changes).toEqual({ cancelAtPeriodEnd: { before: false, after: true } });
  });

  it('leaves no entry for a subscription whose commit fails', async () => {
    const planId = await createMonthlyPlan(service, { code: 'audit-rollback', name: 'Rollback' });
    const before = await auditEntries(service.ctx.databaseUrl);
    const token = await service.ctx.jwks.sign({ userId: randomUUID() });
    const failed = await withFailingCommits(service.ctx.databaseUrl, 'subscriptions', () =>
      service.app.inject({
        method: 'POST',
        url: '/v1/subscriptions',
        headers: { authorization: `Bearer ${token}` },
        payload: { planId, paymentMethod: 'pm_1SavedCard' },
      }),
    );
    expect(failed.statusCode).toBe(500);
    const after = await auditEntries(service.ctx.databaseUrl);
    expect(after.filter((e) => e.action.startsWith('subscription.'))).toEqual(
      before.filter((e) => e.action.startsWith('subscription.')),
    );
  });

  it('records an erasure after user.deleted once, as billing, with the subscriptions it ended', async () => {
    const planId = await createMonthlyPlan(service, { code: 'audit-erase', name: 'Erase' });
    const { id, userId } = await subscribeNewCustomer(service, planId);
    const event = createEvent('user.deleted', {
      source: 'auth',
      subject: userId,
      data: { userId, deletedAt: new Date().toISOString() },
    });
    await publishEvent(service.ctx.namespace, event, 2);
    await waitFor(
      async () => (await auditEntries(service.ctx.databaseUrl, 'customer.erased')).length > 0,
      { what: 'the erasure recorded' },
    );
    // The second delivery is the inbox's: no second entry.
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(await auditEntries(service.ctx.databaseUrl, 'customer.erased')).toEqual([
      expect.objectContaining({
        actor_type: 'system',
        actor_id: 'billing',
        target_type: 'user',
        target_id: userId,
        details: { eventId: event.id, canceledSubscriptions: [id] },
      }),
    ]);
  });
});
