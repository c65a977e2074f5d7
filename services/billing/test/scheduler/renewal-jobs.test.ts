// Renewals on pg-boss (ADR 17) as replicas die and queues fill: a renewal job that died with
// its replica holds nothing up, and a worker goes from one due subscription to the next at once.
import PgBoss from 'pg-boss';
import { createEvent } from '@switchyard/contracts';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import {
  createMonthlyPlan,
  startBillingService,
  subscribeNewCustomer,
  type BillingService,
} from '../support.js';

describe('renewal jobs', () => {
  let service: BillingService;
  let planId: string;

  beforeAll(async () => {
    // Polling far apart: a worker finds work only when woken, as between two polls in production.
    service = await startBillingService({
      BILLING_TEST_CLOCK: 'true',
      BILLING_JOB_POLL_SECONDS: '120',
    });
    planId = await createMonthlyPlan(service, { code: 'renewal-jobs', name: 'Jobs, monthly' });
  }, 60_000);
  afterAll(() => service?.close());

  const sql = <T extends object>(text: string, values: unknown[] = []) =>
    queryDb<T & import('pg').QueryResultRow>(service.ctx.databaseUrl, text, values);
  const chargesOf = (subscriptionId: string) =>
    sql<{ id: string; status: string }>(
      'SELECT id::text, status FROM subscription_charges WHERE subscription_id = $1 ORDER BY created_at',
      [subscriptionId],
    );

  /** A subscription whose first period is paid, and the clock past that period's end. */
  async function active() {
    const { id, userId } = await subscribeNewCustomer(service, planId);
    const [charge] = await chargesOf(id);
    await publishEvent(
      service.ctx.namespace,
      createEvent('payment.billing_charge_succeeded', {
        source: 'payment',
        subject: id,
        data: {
          paymentId: charge!.id,
          chargeId: charge!.id,
          subscriptionId: id,
          userId,
          amount: { amount: 1000, currency: 'EUR' },
          providerChargeId: `pi_${charge!.id.slice(0, 8)}`,
        },
      }),
    );
    await waitFor(
      async () =>
        (await sql<{ status: string }>('SELECT status FROM subscriptions WHERE id = $1', [id]))[0]
          ?.status === 'active' || undefined,
      { timeoutMs: 20_000, what: `subscription ${id} active` },
    );
    return id;
  }
  const renewalAsked = (id: string, timeoutMs: number) =>
    waitFor(async () => (await chargesOf(id)).some((c) => c.status === 'pending') || undefined, {
      timeoutMs,
      what: `subscription ${id}: renewal asked`,
    });
  const pastPeriodEnd = async (id: string) => {
    const [row] = await sql<{ end: Date }>(
      'SELECT current_period_end AS end FROM subscriptions WHERE id = $1',
      [id],
    );
    const behind = row!.end.getTime() - (await service.app.clock.now()).getTime();
    if (behind >= 0) await service.app.clock.advance(behind + 60_000);
  };

  it('renews a subscription whose last renewal job died with its replica', async () => {
    const id = await active();
    await pastPeriodEnd(id);
    // A replica claimed this subscription's job and was killed (kill -9): the job stays active
    // in pg-boss's table, finished by no one, until it expires.
    const dead = new PgBoss({
      connectionString: service.ctx.databaseUrl,
      schema: 'pgboss',
      supervise: false,
      schedule: false,
    });
    await dead.start();
    try {
      await dead.send('billing-renew', { subscriptionId: id }, { singletonKey: id });
      const [claimed] = await dead.fetch('billing-renew');
      expect(claimed?.data).toEqual({ subscriptionId: id });
    } finally {
      await dead.stop({ graceful: false, close: true });
    }
    await service.app.jobs.sweep();
    await renewalAsked(id, 10_000);
  }, 60_000);

  it('runs every due renewal at once, not one per poll', async () => {
    const ids = [await active(), await active(), await active()];
    for (const id of ids) await pastPeriodEnd(id);
    await service.app.jobs.sweep();
    for (const id of ids) await renewalAsked(id, 10_000);
  }, 60_000);
});
