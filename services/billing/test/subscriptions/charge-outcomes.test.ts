// What billing does with the outcomes of the charges it asked for, delivered through the real
// broker as payment publishes them: activation, renewal, dunning, recovery — and money that
// arrives when it is not needed.
import { createEvent } from '@switchyard/contracts';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import { findSubscription } from '../../src/subscriptions/subscription-view.js';
import {
  createMonthlyPlan,
  startBillingService,
  subscribeNewCustomer,
  type BillingService,
} from '../support.js';

describe('charge outcomes', () => {
  let service: BillingService;
  let planId: string;

  beforeAll(async () => {
    service = await startBillingService({
      BILLING_TEST_CLOCK: 'true',
      BILLING_JOB_POLL_SECONDS: '0.5',
    });
    planId = await createMonthlyPlan(service, { code: 'outcomes', name: 'Outcomes, monthly' });
  }, 60_000);
  afterAll(() => service?.close());

  const sql = <T extends object>(text: string, values: unknown[] = []) =>
    queryDb<T & import('pg').QueryResultRow>(service.ctx.databaseUrl, text, values);

  const subscribed = () => subscribeNewCustomer(service, planId);
  const chargesOf = (subscriptionId: string) =>
    sql<{ id: string; status: string; attempt: number; period_start: Date }>(
      `SELECT id::text, status, attempt, period_start FROM subscription_charges
        WHERE subscription_id = $1 ORDER BY created_at, attempt`,
      [subscriptionId],
    );
  const statusOf = async (id: string) =>
    (await sql<{ status: string }>('SELECT status FROM subscriptions WHERE id = $1', [id]))[0]!
      .status;
  const outcome = (
    name: 'payment.billing_charge_succeeded' | 'payment.billing_charge_failed',
    charge: { id: string },
    sub: { id: string; userId: string },
  ) => {
    const paid = {
      paymentId: charge.id,
      chargeId: charge.id,
      subscriptionId: sub.id,
      userId: sub.userId,
      amount: { amount: 1000, currency: 'EUR' },
    };
    return publishEvent(
      service.ctx.namespace,
      name === 'payment.billing_charge_succeeded'
        ? createEvent(name, {
            source: 'payment',
            subject: sub.id,
            data: { ...paid, providerChargeId: `pi_${charge.id.slice(0, 8)}` },
          })
        : createEvent(name, {
            source: 'payment',
            subject: sub.id,
            data: { ...paid, reason: 'provider_unavailable' },
          }),
    );
  };
  const until = <T>(what: string, probe: () => Promise<T | undefined | false>) =>
    waitFor(async () => (await probe()) || undefined, { timeoutMs: 20_000, what });
  /** Its first charge paid, it is active; then the clock passes the period's end. */
  const activeAndDue = async (sub: { id: string; userId: string }) => {
    const [first] = await chargesOf(sub.id);
    await outcome('payment.billing_charge_succeeded', first!, sub);
    await until('active', async () => (await statusOf(sub.id)) === 'active');
    const [period] = await sql<{ start: Date; end: Date }>(
      'SELECT current_period_start AS start, current_period_end AS end FROM subscriptions WHERE id = $1',
      [sub.id],
    );
    await service.app.clock.advance(period!.end.getTime() - Date.now() + 60_000);
    return { first: first!, period: period! };
  };
  const outbox = (type: string, key: string) =>
    sql<{ payload: string }>(
      `SELECT payload FROM outbox_events WHERE event_type = $1 AND message_key = $2 ORDER BY seq`,
      [type, key],
    );

  it('activates on the first charge and invoices it once, however often the outcome comes', async () => {
    const sub = await subscribed();
    const [charge] = await chargesOf(sub.id);
    expect(charge).toMatchObject({ status: 'pending', attempt: 1 });
    await outcome('payment.billing_charge_succeeded', charge!, sub);
    await outcome('payment.billing_charge_succeeded', charge!, sub);
    await until('active', async () => (await statusOf(sub.id)) === 'active');
    await until('invoiced', async () => (await outbox('invoice.issued', sub.userId)).length === 1);
    const docs = await sql<{ n: number }>(
      `SELECT count(*)::int AS n FROM billing_documents WHERE source_id = $1`,
      [charge!.id],
    );
    expect(docs[0]!.n).toBe(1);
  }, 60_000);

  it('refunds in full a success that comes after its failure, once the period was paid by a retry', async () => {
    const sub = await subscribed();
    const { first } = await activeAndDue(sub);
    // The renewal is due; payment gives up on it (provider_unavailable) — past due.
    await service.app.jobs.sweep();
    const renewal = await until('renewal asked', async () =>
      (await chargesOf(sub.id)).find((c) => c.status === 'pending'),
    );
    await outcome('payment.billing_charge_failed', renewal, sub);
    await until('past due', async () => (await statusOf(sub.id)) === 'past_due');
    // The customer's new card pays the period (attempt 2)...
    const patched = await service.app.inject({
      method: 'PATCH',
      url: `/v1/subscriptions/${sub.id}`,
      headers: { authorization: `Bearer ${sub.token}` },
      payload: { paymentMethod: 'pm_1OtherCard' },
    });
    expect(patched.statusCode).toBe(200);
    const retry = (await chargesOf(sub.id)).find((c) => c.attempt === 2)!;
    await outcome('payment.billing_charge_succeeded', retry, sub);
    await until('recovered', async () => (await statusOf(sub.id)) === 'active');
    // ...and then the provider turns out to have taken the first attempt's money too.
    await outcome('payment.billing_charge_succeeded', renewal, sub);
    await until('surplus', async () =>
      (await chargesOf(sub.id)).some((c) => c.id === renewal.id && c.status === 'surplus'),
    );
    const refunds = await outbox('billing.refund_requested', sub.id);
    expect(refunds.map((r) => JSON.parse(r.payload))).toEqual([
      expect.objectContaining({ chargeId: renewal.id, amount: { amount: 1000, currency: 'EUR' } }),
    ]);
    // Both successful charges are invoiced; the period is paid once.
    const invoices = await sql<{ source_id: string }>(
      `SELECT source_id::text FROM billing_documents WHERE kind = 'invoice' AND user_id = $1`,
      [sub.userId],
    );
    expect(invoices.map((i) => i.source_id).sort()).toEqual(
      [first.id, renewal.id, retry.id].sort(),
    );
    const paid = (await chargesOf(sub.id)).filter((c) => c.status === 'succeeded');
    expect(paid.map((c) => c.id).sort()).toEqual([first.id, retry.id].sort());
  }, 60_000);

  it('charges a due period once when many sweeps and jobs run at the same moment', async () => {
    const sub = await subscribed();
    const { first } = await activeAndDue(sub);
    const steps = await Promise.all([
      ...Array.from({ length: 8 }, () => service.app.jobs.runDue(sub.id)),
      service.app.jobs.sweep(),
    ]);
    expect(steps.filter((s) => s === 'renewal_requested')).toHaveLength(1);
    await new Promise((resolve) => setTimeout(resolve, 1500)); // let the queued job run too
    const renewals = (await chargesOf(sub.id)).filter((c) => c.id !== first.id);
    expect(renewals).toHaveLength(1);
    expect((await outbox('billing.charge_requested', sub.id)).length).toBe(2);
  }, 60_000);
  it('shows a subscription as of one moment: a renewal applied mid-read is all in or all out', async () => {
    const sub = await subscribed();
    const { period } = await activeAndDue(sub);
    await service.app.jobs.sweep();
    const renewal = await until('renewal asked', async () =>
      (await chargesOf(sub.id)).find((c) => c.status === 'pending'),
    );
    // The view reads the subscription, then its invoices. Between the two, the renewal's
    // success commits (its new period and its invoice, in one transaction).
    let applied = false;
    const db = service.app.db.$extends({
      query: {
        subscription: {
          async findUnique({ args, query }) {
            const found = await query(args);
            if (!applied) {
              applied = true;
              await outcome('payment.billing_charge_succeeded', renewal, sub);
              await until(
                'renewal invoiced',
                async () =>
                  (
                    await sql<{ n: number }>(
                      `SELECT count(*)::int AS n FROM billing_documents WHERE source_id = $1`,
                      [renewal.id],
                    )
                  )[0]!.n === 1,
              );
            }
            return found;
          },
        },
      },
    });
    const view = await findSubscription(db as unknown as typeof service.app.db, sub.id, null);
    expect(applied).toBe(true);
    expect(view!.currentPeriodStart).toBe(period.start.toISOString());
    expect(view!.invoices).toHaveLength(1);
    // Read again, both have moved.
    const after = await findSubscription(service.app.db, sub.id, null);
    expect(after!.currentPeriodStart).toBe(period.end.toISOString());
    expect(after!.invoices).toHaveLength(2);
  }, 60_000);
});
