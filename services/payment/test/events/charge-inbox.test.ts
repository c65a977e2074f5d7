import pg from 'pg';
import {
  consumedEvents,
  listProviderCharges,
  metricValue,
  publishEvent,
  queryDb,
  waitFor,
} from '@switchyard/testing';
import {
  eventsAbout,
  orderCreated,
  sandboxApiKey,
  startPaymentService,
  waitForPayment,
  type PaymentService,
} from '../support.js';

/**
 * order.created is recorded in the inbox by the charge transaction itself (a SelfRecordingHandler,
 * docs/decisions/0013), not by a transaction of the consumer's around it. So the inbox row must
 * commit with the charge's outcome or not at all: a charge transaction that rolls back leaves
 * the event to be applied again, and a redelivery after it commits charges nothing.
 */
describe('order.created recorded in the inbox by its charge transaction', () => {
  let service: PaymentService;
  beforeAll(async () => {
    service = await startPaymentService();
  });
  afterAll(() => service.close());

  const inboxRows = async (eventId: string) =>
    (
      await queryDb<{ n: number }>(
        service.ctx.databaseUrl,
        `SELECT count(*)::int AS n FROM inbox_events WHERE event_id = $1`,
        [eventId],
      )
    )[0]!.n;

  const metrics = async () => (await service.app.inject({ url: '/metrics' })).body;
  const consumed = async (outcome: string) =>
    consumedEvents(await metrics(), 'order.created', outcome);
  const transientRetries = async () =>
    metricValue(await metrics(), 'event_handler_retries_total', {
      event: 'order.created',
      kind: 'transient',
    });

  it('leaves the event unrecorded while its charge transaction cannot complete, then charges it once', async () => {
    const event = orderCreated('pm_card_visa');
    const { orderId } = event.data;
    // Someone else holds the order's charge lock (as order.cancelled would): the charge
    // transaction times out on it (transient) and rolls back, its inbox row with it.
    const holder = new pg.Client({ connectionString: service.ctx.databaseUrl });
    await holder.connect();
    try {
      await holder.query('BEGIN');
      await holder.query(`SELECT pg_advisory_xact_lock(hashtextextended($1, 0))::text`, [
        `order-charges:${orderId}`,
      ]);
      const retriesBefore = await transientRetries();
      await publishEvent(service.ctx.namespace, event);
      await waitForPayment(service, orderId, (p) => p.status === 'pending', 'payment recorded');
      // An attempt gave up on the lock (ORDER_CHARGE_LOCK_WAIT_MS): its transaction rolled back.
      await waitFor(async () => (await transientRetries()) > retriesBefore, {
        what: 'a charge attempt that gave up on the lock',
        timeoutMs: 30_000,
      });
      expect(await inboxRows(event.id)).toBe(0);
      await holder.query('COMMIT');
    } finally {
      await holder.end();
    }
    await waitForPayment(service, orderId, (p) => p.status === 'succeeded', 'paid');
    expect(await inboxRows(event.id)).toBe(1);
    expect(await eventsAbout(service, orderId)).toEqual(['payment.succeeded']);
    const charges = await listProviderCharges(service.sandboxUrl, sandboxApiKey);
    expect(charges.filter((c) => c.metadata.order_id === orderId)).toHaveLength(1);
  });

  it('answers a redelivery after the charge from the payment insert, charging and announcing nothing again', async () => {
    const event = orderCreated('pm_card_visa');
    const { orderId } = event.data;
    await publishEvent(service.ctx.namespace, event);
    await waitForPayment(service, orderId, (p) => p.status === 'succeeded', 'paid');
    const duplicatesBefore = await consumed('duplicate');
    await publishEvent(service.ctx.namespace, event);
    await waitFor(async () => (await consumed('duplicate')) > duplicatesBefore, {
      what: 'the redelivery consumed as a duplicate',
    });
    expect(await inboxRows(event.id)).toBe(1);
    expect(await eventsAbout(service, orderId)).toEqual(['payment.succeeded']);
    const charges = await listProviderCharges(service.sandboxUrl, sandboxApiKey);
    expect(charges.filter((c) => c.metadata.order_id === orderId)).toHaveLength(1);
  });

  it('records an order cancelled before its payment existed in the inbox, with no payment', async () => {
    const event = orderCreated('pm_card_visa');
    const { orderId } = event.data;
    await queryDb(
      service.ctx.databaseUrl,
      `INSERT INTO order_cancellations (order_id, reason, cancelled_at) VALUES ($1, 'test', now())`,
      [orderId],
    );
    await publishEvent(service.ctx.namespace, event);
    await waitFor(async () => (await inboxRows(event.id)) === 1, { what: 'the event recorded' });
    expect(
      await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM payments WHERE order_id = $1', [
        orderId,
      ]),
    ).toEqual([]);
  });
});
