import { randomUUID } from 'node:crypto';
import { publishEvent, queryDb, waitFor } from '@switchyard/testing';
import { MUG, paymentSucceeded, POSTER, startOrderService, stockOf } from '../support.js';

const TEE = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0002';
const BOOK = '0b6f1c52-3f5e-4c36-9d1a-6a2f6b9e0004';

describe('order lifecycle', () => {
  let service: Awaited<ReturnType<typeof startOrderService>>;
  beforeAll(async () => {
    service = await startOrderService();
  });
  afterAll(() => service.close());

  const headersFor = async (
    userId: string,
    roles = ['customer'],
    extra: Record<string, string> = {},
  ) => ({
    authorization: `Bearer ${await service.ctx.jwks.sign({ userId, roles })}`,
    ...extra,
  });
  const place = async (userId: string, body: object, key?: string) =>
    service.app.inject({
      method: 'POST',
      url: '/v1/orders',
      headers: await headersFor(userId, ['customer'], key ? { 'idempotency-key': key } : {}),
      payload: body,
    });
  const countOrders = async (userId: string) =>
    (await queryDb(service.ctx.databaseUrl, 'SELECT 1 FROM orders WHERE user_id = $1', [userId]))
      .length;
  const oneMug = { lines: [{ productId: MUG, quantity: 1 }], paymentMethod: 'pm_card_visa' };

  describe('Idempotency-Key on POST /v1/orders', () => {
    it('returns the first response, status and body, for the same key and body; one order exists', async () => {
      const userId = randomUUID();
      const first = await place(userId, oneMug, 'key-1');
      const again = await place(userId, oneMug, 'key-1');
      expect(first.statusCode).toBe(201);
      expect(again.statusCode).toBe(201);
      expect(again.json()).toEqual(first.json());
      expect(again.headers['idempotent-replayed']).toBe('true');
      expect(await countOrders(userId)).toBe(1);
    });

    it('rejects the same key with another body', async () => {
      const userId = randomUUID();
      await place(userId, oneMug, 'key-2');
      const other = await place(
        userId,
        { ...oneMug, lines: [{ productId: MUG, quantity: 2 }] },
        'key-2',
      );
      expect(other.statusCode).toBe(422);
      expect(await countOrders(userId)).toBe(1);
    });

    it('runs one of several concurrent requests with the same key; the others conflict or replay', async () => {
      const userId = randomUUID();
      const results = await Promise.all(
        Array.from({ length: 6 }, () => place(userId, oneMug, 'key-3')),
      );
      const created = results.filter(
        (r) => r.statusCode === 201 && !r.headers['idempotent-replayed'],
      );
      expect(created).toHaveLength(1);
      for (const r of results) expect([201, 409]).toContain(r.statusCode);
      expect(await countOrders(userId)).toBe(1);
    });

    it('replays a refusal too: the same 409 for the same out-of-stock request', async () => {
      const userId = randomUUID();
      const tooMany = {
        lines: [{ productId: POSTER, quantity: 100 }],
        paymentMethod: 'pm_card_visa',
      };
      const first = await place(userId, tooMany, 'key-4');
      const again = await place(userId, tooMany, 'key-4');
      expect(first.statusCode).toBe(409);
      expect(again.statusCode).toBe(409);
      expect(again.json().detail).toBe(first.json().detail);
    });

    it('keeps keys per user: another user may use the same key', async () => {
      expect((await place(randomUUID(), oneMug, 'shared-key')).statusCode).toBe(201);
      const other = await place(randomUUID(), oneMug, 'shared-key');
      expect(other.statusCode).toBe(201);
      expect(other.headers['idempotent-replayed']).toBeUndefined();
    });
  });

  it('accepts exactly 10 of 50 concurrent orders for the last 10 units, and stock never goes negative', async () => {
    await queryDb(service.ctx.databaseUrl, 'UPDATE products SET stock = 10 WHERE id = $1', [BOOK]);
    const results = await Promise.all(
      Array.from({ length: 50 }, () =>
        place(randomUUID(), {
          lines: [{ productId: BOOK, quantity: 1 }],
          paymentMethod: 'pm_card_visa',
        }),
      ),
    );
    expect(results.filter((r) => r.statusCode === 201)).toHaveLength(10);
    expect(results.filter((r) => r.statusCode === 409)).toHaveLength(40);
    expect(await stockOf(service.ctx.databaseUrl, BOOK)).toBe(0);
  });

  it('records each status change in the timeline the owner sees', async () => {
    const userId = randomUUID();
    const order = (await place(userId, oneMug)).json();
    expect(order.timeline).toEqual([
      expect.objectContaining({ status: 'pending_payment', actor: 'customer' }),
    ]);
    await publishEvent(
      service.ctx.namespace,
      paymentSucceeded({
        orderId: order.id,
        userId,
        amount: order.total,
        providerChargeId: 'ch_t',
      }),
    );
    const paid: any = await waitFor(
      async () => {
        const res = await service.app.inject({
          url: `/v1/orders/${order.id}`,
          headers: await headersFor(userId),
        });
        return res.json().status === 'paid' ? res.json() : undefined;
      },
      { what: 'order paid' },
    );
    expect(paid.timeline.map((t: { status: string }) => t.status)).toEqual([
      'pending_payment',
      'paid',
    ]);
    expect(paid.timeline[1]).toMatchObject({ actor: 'system', reason: 'payment succeeded' });
  });

  describe('listing', () => {
    it('filters own orders by status and pages with a cursor', async () => {
      const userId = randomUUID();
      for (let i = 0; i < 3; i++)
        await place(userId, {
          lines: [{ productId: TEE, quantity: 1 }],
          paymentMethod: 'pm_card_visa',
        });
      const headers = await headersFor(userId);
      const first = await service.app.inject({
        url: '/v1/orders?limit=2&status=pending_payment',
        headers,
      });
      expect(first.json().items).toHaveLength(2);
      const second = await service.app.inject({
        url: `/v1/orders?limit=2&status=pending_payment&cursor=${first.json().nextCursor}`,
        headers,
      });
      expect(second.json().items).toHaveLength(1);
      expect(second.json().nextCursor).toBeNull();
      const paid = await service.app.inject({ url: '/v1/orders?status=paid', headers });
      expect(paid.json().items).toEqual([]);
      expect(
        (await service.app.inject({ url: '/v1/orders?cursor=garbage', headers })).statusCode,
      ).toBe(400);
      expect(
        (await service.app.inject({ url: '/v1/orders?status=shipped', headers })).statusCode,
      ).toBe(400);
    });
  });

  describe('administration', () => {
    it('refuses customers, lets admins list every order and fulfil a paid one', async () => {
      const customer = randomUUID();
      const order = (await place(customer, oneMug)).json();
      const asCustomer = await headersFor(customer);
      const admin = await headersFor(randomUUID(), ['customer', 'admin']);
      expect(
        (await service.app.inject({ url: '/v1/admin/orders', headers: asCustomer })).statusCode,
      ).toBe(403);
      expect(
        (
          await service.app.inject({
            method: 'POST',
            url: `/v1/admin/orders/${order.id}/fulfil`,
            headers: asCustomer,
          })
        ).statusCode,
      ).toBe(403);

      const all = await service.app.inject({ url: '/v1/admin/orders?limit=100', headers: admin });
      expect(all.json().items.map((o: { id: string }) => o.id)).toContain(order.id);

      // Not paid yet: fulfilment is an illegal transition.
      const early = await service.app.inject({
        method: 'POST',
        url: `/v1/admin/orders/${order.id}/fulfil`,
        headers: admin,
      });
      expect(early.statusCode).toBe(409);

      await queryDb(service.ctx.databaseUrl, "UPDATE orders SET status = 'paid' WHERE id = $1", [
        order.id,
      ]);
      const fulfilled = await service.app.inject({
        method: 'POST',
        url: `/v1/admin/orders/${order.id}/fulfil`,
        headers: admin,
      });
      expect(fulfilled.statusCode).toBe(200);
      expect(fulfilled.json().status).toBe('fulfilled');
      expect(fulfilled.json().timeline.at(-1)).toMatchObject({
        status: 'fulfilled',
        actor: 'admin',
      });
      const unknown = await service.app.inject({
        method: 'POST',
        url: `/v1/admin/orders/${randomUUID()}/fulfil`,
        headers: admin,
      });
      expect(unknown.statusCode).toBe(404);
    });

    it("lets an admin read any customer's order with its timeline; a customer is refused", async () => {
      const customer = randomUUID();
      const order = (await place(customer, oneMug)).json();
      const admin = await headersFor(randomUUID(), ['customer', 'admin']);

      const read = await service.app.inject({
        url: `/v1/admin/orders/${order.id}`,
        headers: admin,
      });
      expect(read.statusCode).toBe(200);
      expect(read.json()).toEqual(order);
      expect(read.json().timeline[0]).toMatchObject({
        status: 'pending_payment',
        actor: 'customer',
      });

      const asOwner = await headersFor(customer);
      const refused = await service.app.inject({
        url: `/v1/admin/orders/${order.id}`,
        headers: asOwner,
      });
      expect(refused.statusCode).toBe(403);
      const unknown = await service.app.inject({
        url: `/v1/admin/orders/${randomUUID()}`,
        headers: admin,
      });
      expect(unknown.statusCode).toBe(404);
      expect(unknown.json()).toMatchObject({ code: 'NOT_FOUND', detail: 'order not found' });
    });
  });
});
